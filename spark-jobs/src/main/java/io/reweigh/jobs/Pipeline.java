package io.reweigh.jobs;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.Version;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.json.Json;
import io.reweigh.core.signal.Signal;
import io.reweigh.core.spark.SignalStage;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.core.text.Tokenizers;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.InputPlanner;
import io.reweigh.jobs.report.Report;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.OutputLock;
import io.reweigh.jobs.stage.Progress;
import io.reweigh.jobs.stage.StageRunner;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.spark.DomainTargetsFile;
import io.reweigh.sampler.spark.ShardWriter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Runs the whole pipeline (docs/architecture.md): plan input → ingest (rows → usable docs +
 * rejects/) → each configured signal stage after its prerequisites → sampler shards (rows a signal
 * drops go to rejects/) → manifest.json + report.html, checking the accounting invariant before the
 * manifest is written. One instance per run.
 */
public final class Pipeline {

  /** What a run was asked to do. */
  public record Options(String input, String output, ResolvedConfig config, boolean force) {}

  /** What a run did: the manifest as written. */
  public record Summary(Manifest manifest, String outputDir) {
    public Manifest.Counts counts() {
      return manifest.counts();
    }

    public List<ShardSets.ShardInfo> shards() {
      return manifest.shards();
    }
  }

  public static final String INGEST = Columns.INGEST_STAGE;
  public static final String SAMPLER = "sampler";

  /** Prefix of the files in rejects/ that hold rows a signal dropped (rewritten every run). */
  public static Summary run(SparkSession spark, Options o, Progress progress) {
    return new Pipeline(spark, o, progress).run();
  }

  private final SparkSession spark;
  private final Options options;
  private final ResolvedConfig cfg;
  private final Progress progress;
  private final OutputDir out;
  private final StageRunner runner;
  private final InputPlan plan;
  private final long t0 = System.nanoTime();
  private OutputLock lock;

  /** Stage name → stats, in the order run (ingest, prerequisites, signals, sampler). */
  private final Map<String, StageStats> stageStats = new LinkedHashMap<>();

  /** Prerequisite name → fingerprint, so a model shared by two signals is run once. */
  private final Map<String, String> prerequisiteFps = new LinkedHashMap<>();

  private Pipeline(SparkSession spark, Options o, Progress progress) {
    this.spark = spark;
    this.options = o;
    this.cfg = o.config();
    this.progress = progress;
    var hconf = spark.sparkContext().hadoopConfiguration();
    io.reweigh.core.io.KeyFiles.useConfiguration(hconf);
    this.plan = InputPlanner.plan(o.input(), cfg, hconf);
    this.out = new OutputDir(o.output(), hconf);
    checkOutputOutsideInput(o.input(), plan, out, hconf);
    out.checkHoldsOnlyReweighOutput();
    checkSamplerConfig(spark, cfg);
    this.runner = new StageRunner(out, o.force(), progress);
  }

  /**
   * The sampler's settings are checked before any stage runs (shard size keys, phases without a
   * phased signal, an unreadable or invalid domain-targets file), so that a mistake there does not
   * surface after hours of scoring. Checks that need the data (domains) run in the sampler.
   */
  static void checkSamplerConfig(SparkSession spark, ResolvedConfig cfg) {
    Map<String, Signal.Outputs> outputs = new LinkedHashMap<>();
    for (String name : cfg.stages()) {
      outputs.put(name, SignalStages.signal(name).outputs(cfg));
    }
    SamplerParams params = SamplerParams.fromConfig(cfg, outputs);
    DomainTargetsFile.load(spark, params.domainTargets());
  }

  /**
   * An output folder inside the input would be read as input by the next run (its shards are
   * Parquet files): refused, naming both (exit 2).
   */
  static void checkOutputOutsideInput(
      String input, InputPlan plan, OutputDir out, org.apache.hadoop.conf.Configuration conf) {
    String root = out.root().toString() + "/";
    boolean inside = false;
    try {
      Path in = new Path(input);
      var fs = in.getFileSystem(conf);
      if (!input.matches(".*[*?\\[{].*") && fs.exists(in) && fs.getFileStatus(in).isDirectory()) {
        String dir = fs.makeQualified(in).toString();
        inside = (root).startsWith(dir.endsWith("/") ? dir : dir + "/");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (int i = 0; !inside && i < plan.files().length; i++) {
      inside = plan.files()[i].startsWith(root);
    }
    if (inside) {
      throw PipelineErrors.outputInsideInput(out.root().toString(), input);
    }
  }

  /** A signal whose score table is committed: its outputs and the table. */
  private record Scored(Signal signal, Signal.Outputs outputs, Dataset<Row> table) {}

  /**
   * Runs the stages; when the run fails, its temporary folder goes, and so does the output folder
   * itself when this run created it and nothing was committed into it.
   */
  private Summary run() {
    Throwable failure = null;
    try (OutputLock held = OutputLock.acquire(out, "reweigh run --input " + options.input())) {
      this.lock = held;
      return runStages();
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } catch (Exception e) {
      failure = e; // a SparkException, checked but undeclared (Scala)
      throw new IllegalStateException(e.getMessage(), e);
    } finally {
      if (failure != null) {
        cleanUpAfter(failure);
      }
    }
  }

  /** A failed run leaves no _tmp/, nor the output folder it created when nothing was committed. */
  private void cleanUpAfter(Throwable failure) {
    try {
      out.delete(out.resolve(Columns.TMP_DIR));
      if (out.created() && out.fs().listStatus(out.root()).length == 0) {
        out.delete(out.root());
      }
    } catch (java.io.IOException | RuntimeException cleanup) {
      failure.addSuppressed(cleanup);
    }
  }

  private Summary runStages() {
    progress.line(
        String.format(
            "input: %d %s file(s), %,d bytes",
            plan.files().length, plan.format(), plan.fingerprint().totalBytes()));
    String ingestFp = ingest();
    Manifest.IngestCounts ingest = stageStats.get(INGEST).details(Manifest.IngestCounts.class);
    Dataset<Row> docs = spark.read().parquet(runner.stageDir(INGEST).toString());
    List<Scored> scored = new ArrayList<>();
    for (String name : cfg.stages()) {
      scored.add(signal(SignalStages.signal(name), docs, ingestFp));
    }
    SampleResult sample = sample(docs, scored);
    Manifest.Counts counts = counts(ingest, sample);
    Manifest manifest = manifest(counts, sample.written());
    lock.check(); // the shards are about to be replaced: only by the run holding the lock
    publish(sample.tmp(), manifest);
    if (!counts.accountingOk()) {
      throw PipelineErrors.accountingBroken(
          counts.inputRows(), counts.outputRows() + counts.unsampledRows(), counts.rejectedRows());
    }
    progress.stageStarted("report");
    Timer reportTimer = new Timer();
    Report.write(spark, out, manifest);
    progress.stageFinished("report", manifest.counts().outputRows(), reportTimer.elapsed());
    out.delete(out.resolve(Columns.TMP_DIR));
    return new Summary(manifest, out.root().toString());
  }

  /** Runs (or skips) the ingest stage; returns its fingerprint. */
  private String ingest() {
    ResolvedConfig reads = cfg.recording();
    Ingest.plan(reads);
    String fp = StageRunner.fingerprint(INGEST, plan.fingerprint().hash(), reads.hashOfReads());
    StageRunner.Outcome r = runner.run(INGEST, fp, tmp -> ingest(spark, plan, cfg, tmp, out));
    stageStats.put(INGEST, r.stats());
    return fp;
  }

  /**
   * Runs (or skips) one signal stage after its prerequisites. Each fingerprint covers the ingest
   * fingerprint, the config keys its plan read and its prerequisites' fingerprints.
   */
  private <P extends Serializable> Scored signal(
      Signal signal, Dataset<Row> docs, String ingestFp) {
    @SuppressWarnings("unchecked")
    SignalStage<P> stage = (SignalStage<P>) SignalStages.stage(signal);
    ResolvedConfig reads = cfg.recording();
    P stagePlan = stage.plan(reads);
    List<String> fpParts = new ArrayList<>(List.of(ingestFp, reads.hashOfReads()));
    Map<String, String> prereqDirs = new LinkedHashMap<>();
    for (SignalStage.Prerequisite<?> pre : stage.prerequisites()) {
      fpParts.add(prerequisite(pre, docs, ingestFp));
      prereqDirs.put(pre.name(), runner.stageDir(pre.name()).toString());
    }
    String name = signal.name();
    String fp = StageRunner.fingerprint(name, fpParts.toArray(String[]::new));
    StageRunner.Outcome r =
        runner.run(
            name,
            fp,
            tmp ->
                stage.compute(
                    spark, docs, stagePlan, new Path(tmp, "data").toString(), prereqDirs));
    stageStats.put(name, r.stats());
    return new Scored(
        signal, signal.outputs(cfg), spark.read().parquet(runner.stageDir(name).toString()));
  }

  private <Q extends Serializable> String prerequisite(
      SignalStage.Prerequisite<Q> pre, Dataset<Row> docs, String ingestFp) {
    String known = prerequisiteFps.get(pre.name());
    if (known != null) {
      return known;
    }
    ResolvedConfig reads = cfg.recording();
    Q prePlan = pre.plan(reads);
    String fp = StageRunner.fingerprint(pre.name(), ingestFp, reads.hashOfReads());
    StageRunner.Outcome r =
        runner.run(
            pre.name(),
            fp,
            tmp -> pre.compute(spark, docs, prePlan, new Path(tmp, "data").toString()));
    stageStats.put(pre.name(), r.stats());
    prerequisiteFps.put(pre.name(), fp);
    return fp;
  }

  /** The sampler's result: shards, and rows signals dropped to rejects/ by reason. */
  private record SampleResult(ShardSets.Result written, Map<String, Long> dropped, Path tmp) {
    List<ShardSets.ShardInfo> shards() {
      return written.shards();
    }
  }

  /**
   * Sampler: always rewritten, under _tmp/ ({@link SampleResult#tmp}); {@link #publish} swaps the
   * shards in with the manifest that describes them.
   */
  private SampleResult sample(Dataset<Row> docs, List<Scored> scored) {
    progress.stageStarted(SAMPLER);
    Timer timer = new Timer();
    Path tmp = out.newTemp(SAMPLER);
    Map<String, Long> dropped = new LinkedHashMap<>();
    Dataset<Row> kept = moveDroppedToRejects(docs, scored, tmp, dropped);
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
    Map<String, Signal.Outputs> outputs = new LinkedHashMap<>();
    for (Scored s : scored) {
      tables.put(s.signal().name(), s.table());
      outputs.put(s.signal().name(), s.outputs());
    }
    SamplerParams params = SamplerParams.fromConfig(cfg, outputs);
    ShardSets.Result shards = ShardWriter.write(spark, kept, tables, params, tmp);
    double seconds = timer.elapsed();
    progress.stageFinished(SAMPLER, shards.rows(), seconds);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("signals", params.signals().stream().map(SamplerParams.Signal::name).toList());
    details.put("weight", shards.sets().get(0).weight());
    stageStats.put(SAMPLER, StageStats.of(shards.rows(), details).withSeconds(seconds));
    return new SampleResult(shards, dropped, tmp);
  }

  /**
   * Replaces shards/ and manifest.json with the sampler's: everything is computed and the manifest
   * serialized and written beside them first, so that between the old set and the new one there are
   * only four renames and deletes, not the manifest's assembly (a kill -9 there left new shards
   * under the old manifest; SparkSubmitLocalIT kills runs during the sampler).
   */
  private void publish(Path tmp, Manifest manifest) {
    Path next = new Path(tmp, Columns.MANIFEST);
    out.writeJsonAtomically(next, manifest);
    Path shardsDir = out.resolve(Columns.SHARDS_DIR);
    out.delete(shardsDir);
    // an evaluation measured the shards being replaced: it no longer describes this output
    out.delete(out.resolve(Columns.EVALUATION_DIR));
    out.rename(new Path(tmp, "shards"), shardsDir);
    out.delete(out.resolve(Columns.MANIFEST));
    out.rename(next, out.resolve(Columns.MANIFEST));
    out.delete(tmp);
  }

  private Manifest.Counts counts(Manifest.IngestCounts ingest, SampleResult sample) {
    long dropped = sample.dropped().values().stream().mapToLong(Long::longValue).sum();
    long rejected = ingest.rejectedRows() + dropped;
    ShardSets.Result w = sample.written();
    Map<String, Long> byReason = new LinkedHashMap<>(ingest.rejectedByReason());
    sample.dropped().forEach((reason, n) -> byReason.merge(reason, n, Long::sum));
    return new Manifest.Counts(
        ingest.inputRows(),
        w.documents(),
        w.unsampled(),
        rejected,
        byReason,
        w.rows(),
        sample.shards().stream().mapToLong(ShardSets.ShardInfo::tokens).sum(),
        ingest.inputRows() == w.documents() + w.unsampled() + rejected);
  }

  /**
   * The previous manifest's {@code reweigh tune} summary when it still describes this output: the
   * stages it weighed are committed with the same fingerprints (a rerun with tuning/tuned.conf
   * changes only the sampler), and tuning/ is still there. Otherwise tuning/ is deleted: its
   * candidates were weighed on stages that no longer exist.
   */
  private io.reweigh.jobs.tune.TuningSummary tuningStillCurrent() {
    Path dir = out.resolve(io.reweigh.jobs.tune.TuningSummary.DIR);
    io.reweigh.jobs.tune.TuningSummary t = null;
    if (out.exists(out.resolve(Columns.MANIFEST)) && out.exists(dir)) {
      try {
        t = io.reweigh.jobs.report.Report.readManifest(out).tuning();
      } catch (io.reweigh.core.error.ReweighException e) {
        t = null;
      }
      if (t != null) {
        for (Map.Entry<String, String> e : t.stageFingerprints().entrySet()) {
          if (!java.util.Objects.equals(e.getValue(), runner.committedFingerprint(e.getKey()))) {
            t = null;
            break;
          }
        }
      }
    }
    if (t == null) {
      out.delete(dir);
    }
    return t;
  }

  private Manifest manifest(Manifest.Counts counts, ShardSets.Result written) {
    return new Manifest(
        Version.get(),
        spark.version(),
        cfg.get(Keys.SAMPLER_MODE),
        cfg.asMap(),
        new Manifest.Input(
            options.input(),
            plan.format(),
            plan.fingerprint().files().size(),
            plan.fingerprint().totalBytes(),
            plan.fingerprint().hash()),
        counts,
        stageStats,
        written.sets(),
        written.shards(),
        Math.round((System.nanoTime() - t0) / 1e6) / 1000.0,
        null,
        tuningStillCurrent());
  }

  /**
   * Rows a signal marks dropped (its {@link Signal.Outputs#dropColumn()}) go to rejects/ as files
   * named drop-*, with the signal's reason, replacing those of an earlier run, so that input rows =
   * shard rows + rejected rows still holds. Returns the documents that stay; counts go into {@code
   * dropped} by reason label.
   */
  private Dataset<Row> moveDroppedToRejects(
      Dataset<Row> docs, List<Scored> scored, Path tmp, Map<String, Long> dropped) {
    Path rejects = out.resolve(Columns.REJECTS_DIR);
    try {
      if (out.exists(rejects)) {
        for (var f : out.fs().listStatus(rejects)) {
          if (f.getPath().getName().startsWith(Columns.DROP_FILE_PREFIX)) {
            out.delete(f.getPath());
          }
        }
      }
      Dataset<Row> kept = docs;
      int file = 0;
      for (Scored s : scored) {
        String dropColumn = s.outputs().dropColumn();
        if (dropColumn == null) {
          continue;
        }
        Dataset<Row> ids = s.table().filter(col(dropColumn)).select(Columns.ID);
        long n = ids.count();
        if (n == 0) {
          continue;
        }
        String reason = s.outputs().dropReason();
        Path where = new Path(tmp, "dropped-" + s.signal().name());
        docs.join(ids, Columns.ID, "left_semi")
            .withColumn(Columns.REJECT_REASON, functions.lit(reasonLabel(reason)))
            .withColumn(Columns.REJECT_DETAIL, functions.lit(reasonDetail(reason)))
            .select(
                docs.columns()[0],
                java.util.Arrays.copyOfRange(docs.columns(), 1, docs.columns().length))
            .coalesce(1)
            .write()
            .option("compression", "zstd")
            .parquet(where.toString());
        for (var f : out.fs().listStatus(where)) {
          if (f.getPath().getName().endsWith(".parquet")) {
            out.rename(
                f.getPath(),
                new Path(rejects, Columns.DROP_FILE_PREFIX + (file++) + ".zstd.parquet"));
          }
        }
        out.delete(where);
        dropped.merge(reasonLabel(reason), n, Long::sum);
        kept = kept.join(ids, Columns.ID, "left_anti");
      }
      return kept;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The parenthesised detail of a reject reason, or null. */
  static String reasonDetail(String reason) {
    int p = reason.indexOf('(');
    return p < 0 || !reason.endsWith(")") ? null : reason.substring(p + 1, reason.length() - 1);
  }

  /** The part of a reject reason before its parenthesised detail: the key of rejected_by_reason. */
  static String reasonLabel(String reason) {
    int p = reason.indexOf('(');
    return (p < 0 ? reason : reason.substring(0, p)).trim();
  }

  /** Ingest stage body: classify every input row, write docs (data/) and rejects/. */
  static StageStats ingest(
      SparkSession spark, InputPlan plan, ResolvedConfig cfg, Path tmp, OutputDir out) {
    Ingest.Classified c = Ingest.classified(spark, plan, cfg);
    Path all = new Path(tmp, "all");
    // one pass without a shuffle; ids are checked on the written table (its id column only) and
    // the input is classified again with the duplicate-id window only when an id repeats
    writeIngest(c.withoutIdCheck(), all);
    // read back with the schema it was written with: no job to infer it from the footers
    StructType writtenSchema = writtenSchema(c.withoutIdCheck().schema());
    Dataset<Row> written = spark.read().schema(writtenSchema).parquet(all.toString());
    String idCheck = "one pass: no id repeats";
    // one action for every count and the id check: (kind, file, reason) → rows, tokens
    Ingest.WrittenCounts wc = Ingest.countWritten(written);
    if (wc.idsRepeat()) {
      out.delete(all);
      writeIngest(c.rows(), all);
      written = spark.read().schema(writtenSchema).parquet(all.toString());
      idCheck = "two passes: ids repeat, rows after the first of each id rejected";
      wc = Ingest.countWritten(written);
    }
    Path docsDir = new Path(all, Ingest.KIND + "=" + Ingest.KIND_DOC);
    Path rejDir = new Path(all, Ingest.KIND + "=" + Ingest.KIND_REJECT);
    long docs = 0;
    long rejected = 0;
    long tokens = 0;
    long replaced = 0;
    Map<String, Long> byReason = new LinkedHashMap<>();
    Map<String, long[]> noTextByFile = new java.util.TreeMap<>();
    for (Row r : wc.groups()) {
      long n = r.getLong(3);
      long[] fileCounts = noTextByFile.computeIfAbsent(r.getString(1), k -> new long[2]);
      fileCounts[0] += n;
      if (r.getString(0).equals(Ingest.KIND_DOC)) {
        docs += n;
        tokens += r.isNullAt(4) ? 0L : r.getLong(4);
        replaced += r.getLong(5);
      } else {
        rejected += n;
        byReason.merge(r.getString(2), n, Long::sum);
        if (r.getString(2).equals(Ingest.R_NO_TEXT_FIELD)) {
          fileCounts[1] += n;
        }
      }
    }
    Ingest.checkFiles(noTextByFile, plan, cfg);
    byReason = sortedByCount(byReason);
    if (docs == 0) {
      throw PipelineErrors.noUsableRows(
          plan.userPath(), c.inputRows(), byReason, jsonArrayFile(out, plan, byReason));
    }
    // move into the layout the runner commits: data/ → stages/ingest, rejects/ → rejects/
    out.rename(
        out.exists(docsDir) ? docsDir : emptyLike(spark, written, new Path(tmp, "empty-docs")),
        new Path(tmp, "data"));
    out.rename(
        out.exists(rejDir) ? rejDir : emptyLike(spark, written, new Path(tmp, "empty-rejects")),
        new Path(tmp, Columns.REJECTS_DIR));
    out.delete(all);
    if (c.inputRows() != docs + rejected) {
      throw PipelineErrors.accountingBroken(c.inputRows(), docs, rejected);
    }
    Manifest.IngestCounts counts =
        new Manifest.IngestCounts(c.inputRows(), docs, rejected, byReason, tokens);
    @SuppressWarnings("unchecked")
    Map<String, Object> details =
        new LinkedHashMap<String, Object>(Json.MAPPER.convertValue(counts, Map.class));
    details.put("tokenizer", Tokenizers.fromConfig(cfg).describe());
    details.put("id_check", idCheck);
    if (cfg.get(Keys.INPUT_INVALID_UTF8).equals("replace")) {
      details.put("invalid_utf8_replaced", replaced);
    }
    return StageStats.of(docs, details);
  }

  /**
   * The first JSONL input file that starts with '[' (after white space), when lines were rejected
   * for not being JSON objects: a pretty-printed JSON array. Reads a few bytes of each file.
   */
  static String jsonArrayFile(OutputDir out, InputPlan plan, Map<String, Long> byReason) {
    if (!plan.format().equals(InputPlan.JSONL)
        || !(byReason.containsKey(Ingest.R_INVALID_JSON)
            || byReason.containsKey(Ingest.R_NOT_OBJECT))) {
      return null;
    }
    for (String f : plan.files()) {
      Path p = new Path(f);
      try (var in = p.getFileSystem(out.fs().getConf()).open(p)) {
        int c;
        do {
          c = in.read();
        } while (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF || c == 0xBB
            || c == 0xBF);
        if (c == '[') {
          return f;
        }
      } catch (java.io.IOException e) {
        // a file that cannot be opened again is not the hint's concern
      }
    }
    return null;
  }

  /** The schema Spark reads a table written partitioned by kind with: kind moves last. */
  static StructType writtenSchema(StructType rows) {
    StructType out = new StructType();
    for (org.apache.spark.sql.types.StructField f : rows.fields()) {
      if (!f.name().equals(Ingest.KIND)) {
        out = out.add(f.name(), f.dataType(), true);
      }
    }
    return out.add(Ingest.KIND, org.apache.spark.sql.types.DataTypes.StringType, true);
  }

  /** SQL settings under which each ingest task writes docs and rejects side by side. */
  static final Map<String, String> SIDE_BY_SIDE =
      Map.of(
          "spark.sql.optimizer.plannedWrite.enabled", "false",
          "spark.sql.maxConcurrentOutputFileWriters", "2");

  /**
   * Writes the classified rows into kind=docs/ and kind=rejects/. A partitioned write sorts every
   * row of a task by the partition column first (137 MB of text on the benchmark corpus) unless
   * Spark may keep one open file per value; there are two values, so each task writes both files
   * side by side, rows in input order (docs/benchmarks.md, "Fewer Spark jobs per run").
   */
  private static void writeIngest(Dataset<Row> rows, Path where) {
    withSqlConf(
        rows.sparkSession(),
        SIDE_BY_SIDE,
        () ->
            rows.write()
                .partitionBy(Ingest.KIND)
                .option("compression", "zstd")
                .parquet(where.toString()));
  }

  /** Runs {@code body} with the given SQL settings, restoring the previous values after. */
  static void withSqlConf(SparkSession spark, Map<String, String> settings, Runnable body) {
    Map<String, scala.Option<String>> before = new LinkedHashMap<>();
    settings.forEach(
        (k, v) -> {
          before.put(k, spark.conf().getOption(k));
          spark.conf().set(k, v);
        });
    try {
      body.run();
    } finally {
      before.forEach(
          (k, v) -> {
            if (v.isDefined()) {
              spark.conf().set(k, v.get());
            } else {
              spark.conf().unset(k);
            }
          });
    }
  }

  /** Reasons by count, most first, then by name (the order the manifest lists them in). */
  static Map<String, Long> sortedByCount(Map<String, Long> byReason) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    byReason.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** An empty Parquet table with the columns of {@code like} (minus kind). */
  private static Path emptyLike(SparkSession spark, Dataset<Row> like, Path where) {
    like.drop(Ingest.KIND).limit(0).write().parquet(where.toString());
    return where;
  }
}
