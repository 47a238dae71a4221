package io.reweigh.jobs.input;

import static io.reweigh.jobs.input.RejectReason.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.reweigh.core.Columns;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.InputErrors;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reads the input into canonical rows and classifies each one as usable or rejected
 * (docs/architecture.md, "Data contract"): columns id, text, domain, n_tokens, every other input
 * column, source_file, source_row, reject_reason (null when usable) and raw (the JSONL line of a
 * rejected row). Every input row comes out exactly once, so rows in = usable + rejected by
 * construction.
 */
public final class Ingest {
  private Ingest() {}

  /**
   * Working columns of the ingest table carry this prefix, so that they never meet a user's column
   * (docs/architecture.md, "Data contract"); an input column with it is rejected.
   */
  public static final String KIND = Columns.INTERNAL_PREFIX + "kind";

  /** The reject label a reader gives a row it could not parse (a {@link RejectReason} label). */
  static final String PARSE_REASON = Columns.INTERNAL_PREFIX + "parse_reason";

  /** The reject detail while rows are classified; {@link #finish} names it reject_detail. */
  static final String DETAIL = Columns.INTERNAL_PREFIX + "reject_detail";

  /** Whether a row's text had invalid UTF-8 (or a lone surrogate escape) before decoding. */
  static final String BAD_UTF8 = Columns.INTERNAL_PREFIX + "bad_utf8";

  public static final String KIND_DOC = "docs";
  public static final String KIND_REJECT = "rejects";

  static final int RAW_CHARS = 2000;

  /** Names an input column may not have, because the output uses them. */
  static boolean reserved(String name) {
    return name.equals(Columns.WEIGHT)
        || name.startsWith("weight_")
        || name.equals(Columns.SOURCE_FILE)
        || name.equals(Columns.SOURCE_ROW)
        || name.equals(Columns.REJECT_REASON)
        || name.equals(Columns.REJECT_DETAIL)
        || name.equals(Columns.RAW)
        || name.equals(Columns.N_TOKENS)
        || name.equals(Columns.UTF8_REPLACED)
        || name.startsWith(Columns.INTERNAL_PREFIX);
  }

  /**
   * Whether an input column is carried through to the shards (true) or is one of the mapped
   * id/text/domain columns (false); fails when its name clashes with a column reweigh writes.
   */
  static boolean carried(String name, Settings cfg) {
    boolean generateIds = cfg.generateIds();
    if (name.equals(cfg.textColumn())
        || name.equals(cfg.domainColumn())
        || (!generateIds && name.equals(cfg.idColumn()))) {
      return false;
    }
    if (name.equals(Columns.ID)
        || name.equals(Columns.TEXT)
        || name.equals(Columns.DOMAIN)
        || reserved(name)) {
      throw PipelineErrors.usage(
          "Input column '" + name + "' clashes with a column reweigh writes.",
          generateIds && name.equals(Columns.ID)
              ? "The input has ids: set input.generate-ids=false to use them, or rename the column."
              : "Rename the column in the input, or map it with input.id-column /"
                  + " input.text-column / input.domain-column.");
    }
    return true;
  }

  /**
   * Classified rows and the number of rows the input holds, counted independently of them (Parquet
   * footers; JSONL line counts), so that the accounting invariant is a real check.
   *
   * <p>{@code rows} are completely classified, duplicate ids included (a window over every row by
   * id: one shuffle of the whole input). {@code withoutIdCheck} are the same rows with every reason
   * but {@link RejectReason#DUPLICATE_ID}, computed in one pass without a shuffle: the pipeline
   * writes these, checks the written ids (a shuffle of the id column only, {@link
   * #hasDuplicateIds}) and falls back to {@code rows} only when an id repeats
   * (docs/architecture.md, "Ingest").
   */
  public record Classified(Dataset<Row> rows, Dataset<Row> withoutIdCheck, long inputRows) {}

  /**
   * Every config value ingest reads, resolved on the driver: the ingest stage's fingerprint is the
   * hash of exactly these keys (plus the input files'), via {@link #plan}.
   */
  public record Settings(
      String idColumn,
      String textColumn,
      String domainColumn,
      boolean generateIds,
      int maxDocChars,
      boolean replaceInvalidUtf8,
      Tokenizer tokenizer)
      implements java.io.Serializable {}

  /** The ingest settings of a config (call it on a recording view to learn the keys read). */
  public static Settings plan(ResolvedConfig cfg) {
    return new Settings(
        cfg.get(Keys.INPUT_ID_COLUMN),
        cfg.get(Keys.INPUT_TEXT_COLUMN),
        cfg.get(Keys.INPUT_DOMAIN_COLUMN),
        cfg.get(Keys.INPUT_GENERATE_IDS),
        cfg.get(Keys.INPUT_MAX_DOC_CHARS),
        cfg.get(Keys.INPUT_INVALID_UTF8).equals("replace"),
        Tokenizers.fromConfig(cfg));
  }

  /** Canonical, classified rows of the whole input, with a {@code kind} column (docs/rejects). */
  public static Classified classified(SparkSession spark, InputPlan plan, Settings cfg) {
    long[] inputRows = {0};
    Dataset<Row> rows =
        plan.format().equals(InputPlan.PARQUET)
            ? ParquetSource.readParquet(spark, plan, cfg, inputRows)
            : JsonlSource.readJsonl(spark, plan, cfg, inputRows);
    Dataset<Row> content = contentReasons(rows, cfg);
    return new Classified(finish(duplicateIds(content), cfg), finish(content, cfg), inputRows[0]);
  }

  /**
   * What the ingest stage needs to know of its written table, from one Spark action: rows and
   * tokens per (kind, source file, reason label), and whether two usable rows share an id (a
   * group-by over the id column alone, which Parquet reads without the text). The two aggregates
   * are one union, so their shuffle stages run side by side.
   *
   * @param groups (kind, source_file, reason label or null, rows, tokens or null, rows kept with
   *     invalid UTF-8 replaced)
   */
  public record WrittenCounts(List<Row> groups, boolean idsRepeat) {}

  public static WrittenCounts countWritten(Dataset<Row> written) {
    Column replaced =
        List.of(written.columns()).contains(Columns.UTF8_REPLACED)
            ? functions.sum(when(col(Columns.UTF8_REPLACED), lit(1L)).otherwise(lit(0L)))
            : lit(0L);
    Dataset<Row> groups =
        written
            .groupBy(col(KIND), col(Columns.SOURCE_FILE), col(Columns.REJECT_REASON).as("r"))
            .agg(
                functions.count(lit(1)).as("n"),
                functions.sum(Columns.N_TOKENS).as("t"),
                replaced.as("u"))
            .withColumn("repeat", lit(false));
    Dataset<Row> repeat =
        written
            .filter(col(KIND).equalTo(KIND_DOC))
            .groupBy(col(Columns.ID))
            .count()
            .filter(col("count").gt(1))
            .limit(1)
            .select(
                lit(null).cast("string").as(KIND),
                lit(null).cast("string").as(Columns.SOURCE_FILE),
                lit(null).cast("string").as("r"),
                lit(0L).as("n"),
                lit(null).cast("long").as("t"),
                lit(0L).as("u"),
                lit(true).as("repeat"));
    List<Row> out = new ArrayList<>();
    boolean repeats = false;
    for (Row r : groups.unionByName(repeat).collectAsList()) {
      if (r.getBoolean(6)) {
        repeats = true;
      } else {
        out.add(r);
      }
    }
    return new WrittenCounts(out, repeats);
  }

  /**
   * Adds the reject reasons of content problems (everything but duplicate ids). Each check reads
   * the whole text only when a cheap test on its bytes leaves the answer open: a text is blank only
   * if it is empty or its first character is white space (the regex decodes the text), it is too
   * long only if it has more bytes than the limit has characters (counting characters scans it).
   * Invalid UTF-8 was found by the readers (BAD_UTF8): rejected, or kept with utf8_replaced under
   * input.invalid-utf8=replace. Measured on the 137 MB corpus of docs/benchmarks.md: the scans were
   * a quarter of the ingest write's CPU samples. A text the tokenizer finds no token in is not a
   * document (rejected); n_tokens is computed here, once, for the rows still usable.
   */
  static Dataset<Row> contentReasons(Dataset<Row> rows, Settings cfg) {
    int maxChars = cfg.maxDocChars();
    Column text = col(Columns.TEXT);
    // ascii() reads the first code point only (substring() would count every character first)
    Column blank =
        text.equalTo("").or(functions.ascii(text).isin(WHITE_SPACE).and(text.rlike("(?U)^\\s*$")));
    Column reason =
        coalesce(
            col(PARSE_REASON),
            when(col(Columns.ID).isNull().or(col(Columns.ID).equalTo("")), MISSING_ID.lit()),
            when(text.isNull(), NULL_TEXT.lit()),
            cfg.replaceInvalidUtf8()
                ? lit(null).cast("string")
                : when(col(BAD_UTF8), INVALID_UTF8.lit()),
            when(blank, EMPTY_TEXT.lit()),
            when(
                functions.octet_length(text).gt(maxChars).and(length(text).gt(maxChars)),
                TOO_LONG.lit()));
    Column detail =
        when(
            col(Columns.REJECT_REASON).equalTo(TOO_LONG.label()),
            concat(length(text).cast("string"), lit(" > " + maxChars + " chars")));
    // raw is only ever written cut to RAW_CHARS: cut it before the duplicate-id window, whose
    // shuffle would otherwise carry every JSONL line a second time beside its text
    Dataset<Row> out =
        rows.withColumn(Columns.REJECT_REASON, reason)
            .withColumn(DETAIL, detail)
            .drop(PARSE_REASON)
            .withColumn(Columns.RAW, cut(col(Columns.RAW), RAW_CHARS));
    out =
        cfg.replaceInvalidUtf8()
            ? out.withColumnRenamed(BAD_UTF8, Columns.UTF8_REPLACED)
            : out.drop(BAD_UTF8);
    Tokenizer tok = cfg.tokenizer();
    Column tokens =
        functions
            .udf(
                (org.apache.spark.sql.api.java.UDF1<String, Integer>) tok::count,
                DataTypes.IntegerType)
            .apply(text);
    return out.withColumn(Columns.N_TOKENS, when(col(Columns.REJECT_REASON).isNull(), tokens))
        .withColumn(
            Columns.REJECT_REASON,
            coalesce(
                col(Columns.REJECT_REASON),
                when(col(Columns.N_TOKENS).equalTo(0), NO_TOKENS.lit())));
  }

  /** The code points that (?U)\\s matches (all in the BMP), as the empty-text check uses them. */
  private static final Object[] WHITE_SPACE = whiteSpace();

  private static Object[] whiteSpace() {
    java.util.regex.Pattern ws = java.util.regex.Pattern.compile("(?U)\\s");
    return java.util.stream.IntStream.range(0, 0x10000)
        .filter(cp -> !Character.isSurrogate((char) cp))
        .filter(cp -> ws.matcher(String.valueOf((char) cp)).matches())
        .boxed()
        .toArray();
  }

  /**
   * substring(c, 1, n) of a string column, without counting the characters of strings that have no
   * more than n bytes (Spark's substring counts every character of its input first).
   */
  static Column cut(Column c, int n) {
    return when(functions.octet_length(c).gt(n), substring(c, 1, n)).otherwise(c);
  }

  /**
   * Rejects duplicate ids among otherwise usable rows: the first by (file, row) wins. Rejected rows
   * get a unique key so that they neither collide nor pile up in one window partition.
   */
  static Dataset<Row> duplicateIds(Dataset<Row> withReason) {
    Column usable = col(Columns.REJECT_REASON).isNull();
    Column location =
        concat(col(Columns.SOURCE_FILE), lit(":"), col(Columns.SOURCE_ROW).cast("string"));
    WindowSpec byId =
        Window.partitionBy(col(Columns.INTERNAL_PREFIX + "id_key"))
            .orderBy(col(Columns.SOURCE_FILE), col(Columns.SOURCE_ROW));
    Dataset<Row> ranked =
        withReason
            .withColumn(
                Columns.INTERNAL_PREFIX + "id_key",
                when(usable, col(Columns.ID)).otherwise(concat(lit("\u0000reject:"), location)))
            .withColumn(Columns.INTERNAL_PREFIX + "rn", row_number().over(byId))
            .withColumn(Columns.INTERNAL_PREFIX + "first", first(location).over(byId));
    Column dup = usable.and(col(Columns.INTERNAL_PREFIX + "rn").gt(1));
    return ranked
        .withColumn(
            DETAIL,
            when(dup, concat(lit("first at "), col(Columns.INTERNAL_PREFIX + "first")))
                .otherwise(col(DETAIL)))
        .withColumn(
            Columns.REJECT_REASON,
            when(dup, DUPLICATE_ID.lit()).otherwise(col(Columns.REJECT_REASON)))
        .drop(
            Columns.INTERNAL_PREFIX + "id_key",
            Columns.INTERNAL_PREFIX + "rn",
            Columns.INTERNAL_PREFIX + "first");
  }

  /**
   * Keeps n_tokens of usable rows only, adds kind; cuts text and raw of rejected rows; the detail
   * of a reason becomes reject_detail ("first at FILE:ROW", "20000000 > 10000000 chars") beside its
   * stable label in reject_reason (what dashboards group by, the manifest's keys).
   */
  static Dataset<Row> finish(Dataset<Row> out, Settings cfg) {
    Column text = col(Columns.TEXT);
    Column isDoc = col(Columns.REJECT_REASON).isNull();
    return out.withColumn(Columns.REJECT_DETAIL, col(DETAIL))
        .drop(DETAIL)
        .withColumn(Columns.N_TOKENS, when(isDoc, col(Columns.N_TOKENS)))
        .withColumn(KIND, when(isDoc, lit(KIND_DOC)).otherwise(lit(KIND_REJECT)))
        .withColumn(
            Columns.RAW,
            when(isDoc, lit(null).cast("string"))
                .otherwise(
                    substring(
                        coalesce(col(Columns.RAW), to_json(struct(col(Columns.ID), text))),
                        1,
                        RAW_CHARS)))
        .withColumn(Columns.TEXT, when(isDoc, text).otherwise(cut(text, RAW_CHARS)));
  }

  /**
   * File-level check after the rows are classified: a JSONL file none of whose lines has the text
   * field is a mapping mistake (wrong input.text-column), not a file of bad rows.
   */
  public static void checkFiles(Dataset<Row> written, InputPlan plan, Settings cfg) {
    if (!plan.format().equals(InputPlan.JSONL)) {
      return;
    }
    Map<String, long[]> perFile = new TreeMap<>();
    for (Row r :
        written
            .groupBy(col(Columns.SOURCE_FILE))
            .agg(
                functions.count(lit(1)).as("n"),
                functions
                    .sum(
                        when(col(Columns.REJECT_REASON).equalTo(NO_TEXT_FIELD.label()), lit(1))
                            .otherwise(lit(0)))
                    .as("m"))
            .collectAsList()) {
      perFile.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
    }
    checkFiles(perFile, plan, cfg);
  }

  /**
   * The same check on counts already collected: file → {rows, rows rejected for having no text
   * field}.
   */
  public static void checkFiles(Map<String, long[]> perFile, InputPlan plan, Settings cfg) {
    if (!plan.format().equals(InputPlan.JSONL)) {
      return;
    }
    for (Map.Entry<String, long[]> e : new TreeMap<>(perFile).entrySet()) {
      if (e.getValue()[0] > 0 && e.getValue()[0] == e.getValue()[1]) {
        throw InputErrors.noTextFieldInFile(e.getKey(), cfg.textColumn(), e.getValue()[0]);
      }
    }
  }

  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
