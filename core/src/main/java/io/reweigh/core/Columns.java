package io.reweigh.core;

/**
 * Column and folder names of the data contract (docs/architecture.md, "Data contract"). One place,
 * so stages agree.
 */
public final class Columns {
  private Columns() {}

  /** Canonical document columns inside the pipeline, whatever the input names are. */
  public static final String ID = "id";

  public static final String TEXT = "text";
  public static final String DOMAIN = "domain";

  /**
   * Where a row came from: the input file and its 0-based row (Parquet) or 1-based line (JSONL).
   */
  public static final String SOURCE_FILE = "source_file";

  public static final String SOURCE_ROW = "source_row";

  public static final String N_TOKENS = "n_tokens";
  public static final String WEIGHT = "weight";
  public static final String REJECT_REASON = "reject_reason";
  public static final String RAW = "raw";

  /** A reject's detail beside its reason label, e.g. "first at FILE:ROW" for a duplicate id. */
  public static final String REJECT_DETAIL = "reject_detail";

  /** Kept rows whose text had invalid UTF-8 replaced (only with input.invalid-utf8=replace). */
  public static final String UTF8_REPLACED = "utf8_replaced";

  /** Folder layout of an output directory. */
  public static final String STAGES_DIR = "stages";

  public static final String SHARDS_DIR = "shards";
  public static final String REJECTS_DIR = "rejects";
  public static final String MANIFEST = "manifest.json";
  public static final String REPORT = "report.html";

  /** reweigh evaluate's curves and summary (docs/evaluation.md). */
  public static final String EVALUATION_DIR = "evaluation";

  /** reweigh tune's tuned.conf and evidence (docs/tuning.md). */
  public static final String TUNING_DIR = "tuning";

  public static final String COMMITTED = "_COMMITTED";
  public static final String STATS = "_STATS.json";
  public static final String TMP_DIR = "_tmp";

  /**
   * Prefix of scratch columns a job adds and drops before it writes (never in a shard); input
   * columns that start with it are refused by ingest.
   */
  public static final String INTERNAL_PREFIX = "__rw_";

  /** The ingest stage's name: its folder under stages/ and its key in the manifest. */
  public static final String INGEST_STAGE = "ingest";

  /** rejects/ files of the documents a signal dropped (the rest are ingest's rejects). */
  public static final String DROP_FILE_PREFIX = "drop-";

  /** Prefix of the per-signal weight columns written to shards: weight_commonness, … */
  public static String weightColumn(String signal) {
    return "weight_" + signal;
  }
}
