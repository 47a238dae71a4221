package io.reweigh.jobs;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.Version;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.InputPlanner;
import io.reweigh.jobs.report.Report;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.Progress;
import io.reweigh.jobs.stage.StageRunner;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.spark.ShardWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Runs the whole pipeline (DESIGN.md §2–3): plan input → ingest (rows → usable docs + rejects/) →
 * each configured signal stage → sampler shards → manifest.json + report.html, checking the
 * accounting invariant before the manifest is written.
 */
public final class Pipeline {
  private Pipeline() {}

  /** What a run was asked to do. */
  public record Options(String input, String output, ResolvedConfig config, boolean force) {}

  /** What a run did: the manifest as written. */
  public record Summary(Map<String, Object> manifest, String outputDir) {
    @SuppressWarnings("unchecked")
    public Map<String, Object> counts() {
      return (Map<String, Object>) manifest.get("counts");
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> shards() {
      return (List<Map<String, Object>>) manifest.get("shards");
    }
  }

  public static final String INGEST = "ingest";

  public static Summary run(SparkSession spark, Options o, Progress progress) {
    long t0 = System.nanoTime();
    ResolvedConfig cfg = o.config();
    var hconf = spark.sparkContext().hadoopConfiguration();
    InputPlan plan = InputPlanner.plan(o.input(), cfg, hconf);
    progress.line(
        String.format(
            "input: %d %s file(s), %,d bytes",
            plan.files().length, plan.format(), plan.fingerprint().totalBytes()));
    OutputDir out = new OutputDir(o.output(), hconf);
    StageRunner runner = new StageRunner(out, o.force(), progress);

    // ingest
    String ingestFp =
        StageRunner.fingerprint(
            INGEST,
            plan.fingerprint().hash(),
            cfg.hashOfScopes(List.of(Keys.SCOPE_INPUT, Keys.SCOPE_TOKENIZER)));
    StageRunner.Outcome ingest =
        runner.run(INGEST, ingestFp, tmp -> ingest(spark, plan, cfg, tmp, out));
    Dataset<Row> docs = spark.read().parquet(runner.stageDir(INGEST).toString());

    // signal stages
    Map<String, Object> stageStats = new LinkedHashMap<>();
    stageStats.put(INGEST, ingest.stats());
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
    List<String> computed = new ArrayList<>();
    for (String name : cfg.stages()) {
      SignalStage stage = SignalStages.get(name);
      List<String> fpParts = new ArrayList<>(List.of(ingestFp, cfg.hashOfScopes(stage.scopes())));
      Map<String, String> prereqDirs = new LinkedHashMap<>();
      for (SignalStage.Prerequisite pre : stage.prerequisites()) {
        String pfp = StageRunner.fingerprint(pre.name(), ingestFp, cfg.hashOfScopes(pre.scopes()));
        StageRunner.Outcome pr =
            runner.run(
                pre.name(),
                pfp,
                tmp -> pre.compute(spark, docs, cfg, new Path(tmp, "data").toString()));
        stageStats.put(pre.name(), pr.stats());
        prereqDirs.put(pre.name(), runner.stageDir(pre.name()).toString());
        fpParts.add(pfp);
      }
      String fp = StageRunner.fingerprint(name, fpParts.toArray(String[]::new));
      StageRunner.Outcome r =
          runner.run(
              name,
              fp,
              tmp -> stage.compute(spark, docs, cfg, new Path(tmp, "data").toString(), prereqDirs));
      stageStats.put(name, r.stats());
      tables.put(stage.signal(), spark.read().parquet(runner.stageDir(name).toString()));
      computed.add(name);
    }

    // sampler: always rewritten, swapped in atomically
    progress.stageStarted("sampler");
    long ts = System.nanoTime();
    SamplerParams params = SamplerParams.fromConfig(cfg, computed);
    Path tmp = out.newTemp("sampler");
    long dropped = moveDroppedToRejects(spark, docs, tables.get("presence"), cfg, out, tmp);
    Dataset<Row> sampled = docs;
    if (dropped > 0) {
      sampled = docs.join(droppedIds(tables.get("presence")), Columns.ID, "left_anti");
    }
    ShardWriter.Result shards = ShardWriter.write(spark, sampled, tables, params, tmp);
    Path shardsDir = out.resolve(Columns.SHARDS_DIR);
    out.delete(shardsDir);
    out.rename(new Path(tmp, "shards"), shardsDir);
    out.delete(tmp);
    double samplerSeconds = (System.nanoTime() - ts) / 1e9;
    progress.stageFinished("sampler", shards.rows(), samplerSeconds);
    Map<String, Object> samplerStats = new LinkedHashMap<>();
    samplerStats.put("rows", shards.rows());
    samplerStats.put("seconds", Math.round(samplerSeconds * 1000) / 1000.0);
    samplerStats.put("signals", params.signals().stream().map(SamplerParams.Signal::name).toList());
    samplerStats.put("weight", shards.weightStats());
    stageStats.put("sampler", samplerStats);

    // accounting
    long inputRows = ((Number) ingest.stats().get("input_rows")).longValue();
    long rejected = ((Number) ingest.stats().get("rejected_rows")).longValue() + dropped;
    long outputRows = shards.shards().stream().mapToLong(ShardWriter.ShardInfo::rows).sum();
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("input_rows", inputRows);
    counts.put("output_rows", outputRows);
    counts.put("rejected_rows", rejected);
    @SuppressWarnings("unchecked")
    Map<String, Object> byReason =
        new LinkedHashMap<>((Map<String, Object>) ingest.stats().get("rejected_by_reason"));
    if (dropped > 0) {
      byReason.put(DROP_REASON, dropped);
    }
    counts.put("rejected_by_reason", byReason);
    counts.put(
        "output_tokens", shards.shards().stream().mapToLong(ShardWriter.ShardInfo::tokens).sum());
    boolean balanced = inputRows == outputRows + rejected;
    counts.put("accounting_ok", balanced);

    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("version", Version.get());
    manifest.put("spark_version", spark.version());
    manifest.put("mode", cfg.get(Keys.SAMPLER_MODE));
    manifest.put("config", cfg.asMap());
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("path", o.input());
    input.put("format", plan.format());
    input.put("files", plan.fingerprint().files().size());
    input.put("bytes", plan.fingerprint().totalBytes());
    input.put("fingerprint", plan.fingerprint().hash());
    manifest.put("input", input);
    manifest.put("counts", counts);
    manifest.put("stages", stageStats);
    List<Map<String, Object>> shardList = new ArrayList<>();
    for (ShardWriter.ShardInfo s : shards.shards()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", s.path());
      m.put("rows", s.rows());
      m.put("tokens", s.tokens());
      m.put("weight_sum", s.weightSum());
      m.put("sha256", s.sha256());
      shardList.add(m);
    }
    manifest.put("shards", shardList);
    manifest.put("seconds", Math.round((System.nanoTime() - t0) / 1e6) / 1000.0);
    try {
      out.writeAtomically(
          out.resolve(Columns.MANIFEST),
          OutputDir.JSON.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw PipelineErrors.internal("cannot write manifest.json", e);
    }
    if (!balanced) {
      throw PipelineErrors.accountingBroken(inputRows, outputRows, rejected);
    }
    Report.write(spark, out, manifest);
    out.delete(out.resolve(Columns.TMP_DIR));
    return new Summary(manifest, out.root().toString());
  }

  static final String DROP_REASON = "influence-drop-top";
  private static final String DROP_PREFIX = "influence-drop-";

  private static Dataset<Row> droppedIds(Dataset<Row> presence) {
    return presence.filter(col("dropped")).select(Columns.ID);
  }

  /**
   * PRESENCE-Sequential (influence.drop-top-fraction): the documents the influence stage marked
   * dropped go to rejects/ as files named influence-drop-*, replacing those of an earlier run, so
   * that input rows = shard rows + rejected rows still holds. Returns how many.
   */
  static long moveDroppedToRejects(
      SparkSession spark,
      Dataset<Row> docs,
      Dataset<Row> presence,
      ResolvedConfig cfg,
      OutputDir out,
      Path tmp) {
    Path rejects = out.resolve(Columns.REJECTS_DIR);
    try {
      if (out.exists(rejects)) {
        for (var f : out.fs().listStatus(rejects)) {
          if (f.getPath().getName().startsWith(DROP_PREFIX)) {
            out.delete(f.getPath());
          }
        }
      }
      if (presence == null || !cfg.stages().contains(Keys.STAGE_INFLUENCE)) {
        return 0;
      }
      Dataset<Row> ids = droppedIds(presence);
      long n = ids.count();
      if (n == 0) {
        return 0;
      }
      double fraction = cfg.get(Keys.INFLUENCE_DROP_TOP_FRACTION);
      Path where = new Path(tmp, "dropped");
      docs.join(ids, Columns.ID, "left_semi")
          .withColumn(
              Columns.REJECT_REASON,
              functions.lit(
                  DROP_REASON
                      + " (self-influence in the top "
                      + fraction
                      + " of the corpus; influence.drop-top-fraction)"))
          .select(
              docs.columns()[0],
              java.util.Arrays.copyOfRange(docs.columns(), 1, docs.columns().length))
          .coalesce(1)
          .write()
          .option("compression", "zstd")
          .parquet(where.toString());
      int i = 0;
      for (var f : out.fs().listStatus(where)) {
        String name = f.getPath().getName();
        if (name.endsWith(".parquet")) {
          out.rename(f.getPath(), new Path(rejects, DROP_PREFIX + (i++) + ".zstd.parquet"));
        }
      }
      out.delete(where);
      return n;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Ingest stage body: classify every input row, write docs (data/) and rejects/. */
  static Map<String, Object> ingest(
      SparkSession spark, InputPlan plan, ResolvedConfig cfg, Path tmp, OutputDir out) {
    Ingest.Classified c = Ingest.classified(spark, plan, cfg);
    Path all = new Path(tmp, "all");
    c.rows().write().partitionBy(Ingest.KIND).option("compression", "zstd").parquet(all.toString());
    Path docsDir = new Path(all, Ingest.KIND + "=" + Ingest.KIND_DOC);
    Path rejDir = new Path(all, Ingest.KIND + "=" + Ingest.KIND_REJECT);
    Dataset<Row> written = spark.read().parquet(all.toString());
    Ingest.checkFiles(written, plan, cfg);
    Map<String, Object> stats = new LinkedHashMap<>();
    long docs = 0;
    long rejected = 0;
    Map<String, Object> byReason = new LinkedHashMap<>();
    for (Row r :
        written
            .groupBy(
                col(Ingest.KIND),
                functions.regexp_extract(col(Columns.REJECT_REASON), "^[^(]*", 0).as("r"))
            .count()
            .orderBy(col("count").desc(), col("r"))
            .collectAsList()) {
      if (r.getString(0).equals(Ingest.KIND_DOC)) {
        docs += r.getLong(2);
      } else {
        rejected += r.getLong(2);
        byReason.put(r.getString(1).trim(), r.getLong(2));
      }
    }
    Row tokens =
        written
            .filter(col(Ingest.KIND).equalTo(Ingest.KIND_DOC))
            .agg(functions.sum(Columns.N_TOKENS))
            .first();
    // move into the layout the runner commits: data/ → stages/ingest, rejects/ → rejects/
    out.rename(
        exists(out, docsDir) ? docsDir : emptyLike(spark, written, new Path(tmp, "empty-docs")),
        new Path(tmp, "data"));
    out.rename(
        exists(out, rejDir) ? rejDir : emptyLike(spark, written, new Path(tmp, "empty-rejects")),
        new Path(tmp, Columns.REJECTS_DIR));
    out.delete(all);
    stats.put("rows", docs);
    stats.put("input_rows", c.inputRows());
    stats.put("usable_rows", docs);
    stats.put("rejected_rows", rejected);
    stats.put("rejected_by_reason", byReason);
    stats.put("tokens", tokens.isNullAt(0) ? 0L : tokens.getLong(0));
    if (c.inputRows() != docs + rejected) {
      throw PipelineErrors.accountingBroken(c.inputRows(), docs, rejected);
    }
    return stats;
  }

  private static boolean exists(OutputDir out, Path p) {
    return out.exists(p);
  }

  /** An empty Parquet table with the columns of {@code like} (minus kind). */
  private static Path emptyLike(SparkSession spark, Dataset<Row> like, Path where) {
    like.drop(Ingest.KIND).limit(0).write().parquet(where.toString());
    return where;
  }
}
