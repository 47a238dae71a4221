package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.hash.Sha256;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.stage.StageStats;
import io.reweigh.influence.InfluenceSignal;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.Progress;
import io.reweigh.jobs.stage.StageRunner;
import io.reweigh.sampler.ShardSets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
  static final SparkSession spark = SharedSpark.session();
  @TempDir static Path shared;
  @TempDir Path tmp;
  static Path input;
  static final int DOCS = 1200;

  @BeforeAll
  static void corpus() {
    input = shared.resolve("input");
    new DemoCorpus(3).writeJsonl(input, DOCS, 3, DemoCorpus.DEFAULT_BAD_ROWS);
  }

  /** A small proxy LM, so that every test runs the influence stage in seconds. */
  static final List<String> SMALL_INFLUENCE =
      List.of(
          "influence.proxy.vocab=1024",
          "influence.proxy.width=32",
          "influence.max-tokens=32",
          "influence.train-steps=30",
          "influence.train-docs=500");

  static ResolvedConfig cfg(String... sets) {
    ResolvedConfig c =
        ResolvedConfig.defaults()
            .with("input.max-doc-chars", DemoCorpus.TOO_LONG_CHARS - 1)
            .with("sampler.shard-rows", 500);
    for (String s : SMALL_INFLUENCE) {
      c = c.withSet(s);
    }
    for (String s : sets) {
      c = c.withSet(s);
    }
    return c;
  }

  static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  static Pipeline.Summary run(Path out, ResolvedConfig cfg, boolean force) {
    LOG.reset();
    return Pipeline.run(
        spark,
        new Pipeline.Options(input.toString(), out.toString(), cfg, force),
        new Progress(new PrintStream(LOG, true), 60));
  }

  static List<String> shardHashes(Pipeline.Summary s) {
    List<String> out = new ArrayList<>();
    for (ShardSets.ShardInfo m : s.shards()) {
      out.add(m.sha256());
    }
    return out;
  }

  @Test
  void dropTopSendsTheHighestSelfInfluenceDocumentsToRejects() throws IOException {
    Path out = tmp.resolve("drop");
    Pipeline.Summary s = run(out, cfg("influence.drop-top-fraction=0.05"), false);
    Manifest.Counts c = s.counts();
    long dropped = (long) Math.floor(0.05 * DOCS);
    assertEquals((long) DOCS - dropped, c.outputRows());
    assertEquals(DemoCorpus.DEFAULT_BAD_ROWS.total() + dropped, c.rejectedRows());
    assertTrue(c.accountingOk());
    assertEquals(dropped, c.rejectedByReason().get(InfluenceSignal.DROP_REASON));
    explainAndReportCommandsReadAFinishedOutput(out);
    var rejects = spark.read().parquet(out.resolve(Columns.REJECTS_DIR).toString());
    assertEquals(
        dropped,
        rejects
            .filter(functions.col(Columns.REJECT_REASON).startsWith(InfluenceSignal.DROP_REASON))
            .count());
    // a rerun without dropping puts them back and leaves no drop files in rejects/
    Pipeline.Summary again = run(out, cfg(), false);
    assertEquals((long) DOCS, again.counts().outputRows());
    assertEquals(
        (long) DemoCorpus.DEFAULT_BAD_ROWS.total(),
        spark.read().parquet(out.resolve(Columns.REJECTS_DIR).toString()).count());
  }

  /** One default run shared by the tests that only read its output. */
  static Pipeline.Summary fullRun;

  static synchronized Pipeline.Summary fullRun() {
    if (fullRun == null) {
      fullRun = run(shared.resolve("full"), cfg(), false);
    }
    return fullRun;
  }

  @Test
  void fullRunWritesShardsManifestRejectsAndReport() throws IOException {
    Path out = shared.resolve("full");
    Pipeline.Summary s = fullRun();
    Manifest.Counts c = s.counts();
    long input = DOCS + DemoCorpus.DEFAULT_BAD_ROWS.total();
    assertEquals(input, c.inputRows());
    assertEquals((long) DOCS, c.outputRows());
    assertEquals((long) DemoCorpus.DEFAULT_BAD_ROWS.total(), c.rejectedRows());
    assertTrue(c.accountingOk());

    // manifest on disk: shards with matching sha256, sizes by plan
    @SuppressWarnings("unchecked")
    Map<String, Object> m =
        new ObjectMapper().readValue(out.resolve(Columns.MANIFEST).toFile(), Map.class);
    List<ShardSets.ShardInfo> shards = s.shards();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> onDisk = (List<Map<String, Object>>) m.get("shards");
    assertEquals(
        shards.stream().map(ShardSets.ShardInfo::sha256).toList(),
        onDisk.stream().map(x -> x.get("sha256")).toList());
    assertEquals(
        new java.util.TreeMap<>(OutputDir.JSON.convertValue(c, Map.class)).toString(),
        new java.util.TreeMap<>((Map<?, ?>) m.get("counts")).toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> counts = (Map<String, Object>) m.get("counts");
    assertEquals(
        java.util.Set.of(
            "accounting_ok",
            "input_rows",
            "output_rows",
            "output_tokens",
            "rejected_by_reason",
            "rejected_rows",
            "shard_rows",
            "unsampled_rows"),
        counts.keySet(),
        "manifest field names are snake_case");
    assertEquals(3, shards.size());
    assertEquals("shards/part-00000-of-00003.parquet", shards.get(0).path());
    assertEquals(List.of(500L, 500L, 200L), shards.stream().map(x -> x.rows()).toList());
    for (ShardSets.ShardInfo sh : shards) {
      try (InputStream in = Files.newInputStream(out.resolve(sh.path()))) {
        assertEquals(sh.sha256(), Sha256.hex(in));
      }
    }
    try (var files = Files.list(out.resolve(Columns.SHARDS_DIR))) {
      assertEquals(3, files.count(), "only the shards in shards/");
    }
    // shards: input columns + weight columns, mean weight 1, every id once
    var df = spark.read().parquet(out.resolve(Columns.SHARDS_DIR).toString());
    assertEquals(
        List.of(
            "id",
            "text",
            "domain",
            "label",
            "url",
            "n_tokens",
            "weight",
            "weight_commonness",
            "weight_influence_2",
            "weight_influence_1"),
        List.of(df.columns()));
    Row agg =
        df.agg(
                functions.avg("weight"),
                functions.countDistinct(functions.col("id")),
                functions.count(functions.lit(1)))
            .first();
    assertEquals(1.0, agg.getDouble(0), 1e-9);
    assertEquals((long) DOCS, agg.getLong(1));
    // rejects with reasons; report is self-contained
    assertEquals(
        (long) DemoCorpus.DEFAULT_BAD_ROWS.total(),
        spark.read().parquet(out.resolve(Columns.REJECTS_DIR).toString()).count());
    String report = Files.readString(out.resolve(Columns.REPORT));
    assertTrue(report.contains("<svg") && report.contains("part-00000-of-00003.parquet"));
    assertFalse(
        report.contains("<script") || report.contains("src=\"http"), "no scripts, no network");
    assertFalse(Files.exists(out.resolve(Columns.TMP_DIR)), "temp folders are removed");
    // the report's numbers are the manifest's
    Map<String, String> cells = io.reweigh.jobs.report.ReportHtmlTest.cells(report);
    assertEquals(String.valueOf(c.inputRows()), cells.get("input_rows"));
    assertEquals(String.valueOf(c.outputRows()), cells.get("output_rows"));
    assertEquals(String.valueOf(c.rejectedRows()), cells.get("rejected_rows"));
    assertEquals(String.valueOf(c.outputTokens()), cells.get("output_tokens"));
    c.rejectedByReason().forEach((reason, n) -> assertEquals(String.valueOf(n), cells.get(reason)));
    assertEquals(
        String.valueOf(s.manifest().stages().get("commonness").rows()), cells.get("commonness"));
    assertTrue(report.contains("&lt;script&gt;"), "the duplicate-id rows' markup is shown as text");
    @SuppressWarnings("unchecked")
    Map<String, Object> stages = (Map<String, Object>) m.get("stages");
    assertTrue(
        stages.containsKey("commonness")
            && stages.containsKey("ingest")
            && stages.containsKey("sampler"));
  }

  /**
   * report.html in a real browser: headless Chromium renders it with no console message (a script
   * error or a blocked script would log one), every chart is in the DOM with marks, the screenshot
   * is not blank, and the demo corpus's hostile markup did not run. A control page with the same
   * markup unescaped shows that the check detects execution.
   */
  @Test
  void reportRendersInHeadlessChromiumAndHostileMarkupDoesNotRun() throws Exception {
    HeadlessChromium chrome = HeadlessChromium.find();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        chrome != null,
        "SKIPPED: no Chromium on this machine (apt-get install chromium; .ci/run installs it)");
    fullRun();
    Path report = shared.resolve("full").resolve(Columns.REPORT);
    HeadlessChromium.Page page = chrome.render(report, tmp.resolve("chromium"), 1360, 2400);
    assertEquals(List.of(), page.console(), "console messages");
    assertFalse(page.dom().matches("(?s).*<html[^>]*data-xss.*"), "hostile markup ran");
    List<String> charts = new ArrayList<>();
    var m =
        java.util.regex.Pattern.compile(
                "<svg class=\"chart\" id=\"([^\"]+)\"(.*?)</svg>", java.util.regex.Pattern.DOTALL)
            .matcher(page.dom());
    while (m.find()) {
      assertTrue(
          m.group(2).contains("<rect") || m.group(2).contains("<circle"), m.group(1) + " is empty");
      charts.add(m.group(1));
    }
    for (String id :
        List.of(
            "hist-weight",
            "hist-commonness-commonness",
            "hist-commonness-weight_commonness",
            "hist-influence-self_influence",
            "hist-influence-weight_influence_2",
            "scatter-commonness-commonness",
            "scatter-influence-self_influence",
            "domains-shards",
            "stage-timings")) {
      assertTrue(charts.contains(id), id + " missing from " + charts);
    }
    assertTrue(page.inked() > 0.05, "screenshot looks blank: " + page.inked());
    assertTrue(page.hasColour(0x4a7bd0), "chart bars are drawn");

    Path control = tmp.resolve("control.html");
    Files.writeString(
        control, "<!doctype html><html><body>" + DemoCorpus.HOSTILE_HTML + "</body></html>");
    HeadlessChromium.Page unsafe = chrome.render(control, tmp.resolve("control"), 800, 600);
    assertTrue(
        unsafe.dom().matches("(?s).*<html[^>]*data-xss=\"(script|onerror)\".*"),
        "the control page's markup runs, so the check above can fail: " + unsafe.dom());
  }

  /**
   * reweigh explain on a kept, a dropped (by influence.drop-top-fraction), a rejected and a
   * duplicate-id document, and reweigh report regenerating the same bytes.
   */
  private void explainAndReportCommandsReadAFinishedOutput(Path out) throws IOException {
    OutputDir dir = new OutputDir(out.toString(), spark.sparkContext().hadoopConfiguration());
    var shards = spark.read().parquet(out.resolve(Columns.SHARDS_DIR).toString());
    Row kept =
        shards
            .orderBy("id")
            .select(functions.col("id"), functions.col("weight"), functions.input_file_name())
            .first();
    String id = kept.getString(0);
    String text = io.reweigh.jobs.report.Explain.explain(spark, dir, id);
    double w = kept.getDouble(1);
    long below = shards.filter(functions.col("weight").lt(w)).count();
    assertTrue(
        text.contains(
            "final weight "
                + io.reweigh.jobs.report.Explain.num(w)
                + "; rank "
                + String.format(java.util.Locale.ROOT, "%,d", below + 1)
                + " of 1,140"),
        text);
    String file = kept.getString(2);
    assertTrue(text.contains("in shards/" + file.substring(file.lastIndexOf('/') + 1)), text);
    double wc =
        spark
            .read()
            .parquet(out.resolve("stages/commonness").toString())
            .filter(functions.col("id").equalTo(id))
            .first()
            .getAs("weight_commonness");
    assertTrue(text.contains("weight_commonness " + io.reweigh.jobs.report.Explain.num(wc)), text);

    Row drop =
        spark
            .read()
            .parquet(out.resolve(Columns.REJECTS_DIR).toString())
            .filter(functions.col(Columns.REJECT_REASON).startsWith(InfluenceSignal.DROP_REASON))
            .orderBy("id")
            .first();
    String dropped = io.reweigh.jobs.report.Explain.explain(spark, dir, drop.getAs("id"));
    assertTrue(dropped.contains("  dropped     " + InfluenceSignal.DROP_REASON), dropped);
    assertTrue(dropped.contains("not in the shards: a signal dropped it"), dropped);
    assertTrue(dropped.contains("self_influence "), dropped);

    String rejected = io.reweigh.jobs.report.Explain.explain(spark, dir, "null-0");
    assertTrue(rejected.contains("  rejected    text is null (part-00002.jsonl:"), rejected);
    assertTrue(rejected.contains("not scored"), rejected);
    String dup = io.reweigh.jobs.report.Explain.explain(spark, dir, "doc-0000000");
    assertTrue(dup.contains("another input row with this id was rejected: duplicate id"), dup);
    assertTrue(dup.contains("final weight "), dup);

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true);
    PrintStream o = new PrintStream(new ByteArrayOutputStream(), true);
    assertEquals(
        2, Main.execute(new String[] {"explain", out.toString(), "--id", "no-such-id"}, o, e));
    assertTrue(err.toString().contains("No document with id 'no-such-id'"), err.toString());
    assertEquals(3, Main.execute(new String[] {"report", tmp.toString()}, o, e));
    assertTrue(err.toString().contains("is not a finished reweigh output"), err.toString());

    byte[] before = Files.readAllBytes(out.resolve(Columns.REPORT));
    Files.delete(out.resolve(Columns.REPORT));
    assertEquals(0, Main.execute(new String[] {"report", out.toString()}, o, e), err.toString());
    String was = new String(before, java.nio.charset.StandardCharsets.UTF_8);
    String now = Files.readString(out.resolve(Columns.REPORT));
    int at = 0;
    while (at < Math.min(was.length(), now.length()) && was.charAt(at) == now.charAt(at)) {
      at++;
    }
    assertEquals(
        was.substring(Math.max(0, at - 80), Math.min(was.length(), at + 80)),
        now.substring(Math.max(0, at - 80), Math.min(now.length(), at + 80)),
        "reweigh report regenerates the report the run wrote (first difference at " + at + ")");
  }

  @Test
  void rerunsSkipCommittedStagesAndWriteIdenticalBytesWhateverThePartitioning() {
    Path out = tmp.resolve("det");
    Pipeline.Summary first = run(out, cfg(), false);
    String log1 = LOG.toString();
    assertTrue(log1.contains("commonness: started"), log1);

    Pipeline.Summary again = run(out, cfg(), false);
    String log2 = LOG.toString();
    assertTrue(log2.contains("ingest: committed result is current, skipped"), log2);
    assertTrue(log2.contains("commonness: committed result is current, skipped"), log2);
    assertEquals(shardHashes(first), shardHashes(again));

    String oldShuffle = spark.conf().get("spark.sql.shuffle.partitions");
    String oldBytes = spark.conf().get("spark.sql.files.maxPartitionBytes");
    try {
      spark.conf().set("spark.sql.shuffle.partitions", "7");
      spark.conf().set("spark.sql.files.maxPartitionBytes", "65536");
      Pipeline.Summary forced = run(tmp.resolve("det2"), cfg(), true);
      assertTrue(LOG.toString().contains("commonness: started"));
      assertEquals(shardHashes(first), shardHashes(forced), "same bytes with other partitioning");
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", oldShuffle);
      spark.conf().set("spark.sql.files.maxPartitionBytes", oldBytes);
    }

    // a sampler-only change keeps the scores; a softdedup change recomputes only commonness
    Pipeline.Summary resharded = run(out, cfg("sampler.shard-rows=700"), false);
    assertTrue(LOG.toString().contains("commonness: committed result is current, skipped"));
    assertEquals(2, resharded.shards().size());
    run(out, cfg("softdedup.order=3"), false);
    assertTrue(LOG.toString().contains("ingest: committed result is current, skipped"));
    assertTrue(LOG.toString().contains("commonness: started"));
    // a weighting key rescales influence but never retrains the proxy LM
    run(out, cfg("softdedup.order=3", "influence.tau1=2"), false);
    assertTrue(LOG.toString().contains("proxy-model: committed result is current, skipped"));
    assertTrue(LOG.toString().contains("commonness: committed result is current, skipped"));
    assertTrue(LOG.toString().contains("influence: started"));
    // another seed, another order of documents
    assertNotEquals(
        shardHashes(first), shardHashes(run(tmp.resolve("seed"), cfg("sampler.seed=9"), false)));
  }

  @Test
  void nearDuplicateClustersReachTheShardsAndExplainWhateverThePartitioning() {
    Path out = tmp.resolve("neardup");
    Pipeline.Summary first = run(out, cfg("stages=[neardup]"), false);
    var df = spark.read().parquet(out.resolve(Columns.SHARDS_DIR).toString());
    assertTrue(
        List.of(df.columns()).containsAll(List.of("cluster_id", "cluster_size", "weight_neardup")));
    // the demo's planted exact copies are clusters; a cluster of k weighs as one document
    var dups = df.filter("label = 'exact-dup'");
    assertEquals(0, dups.filter("cluster_size < 2").count());
    var one = df.filter("cluster_size = 1").select("weight_neardup").first().getDouble(0);
    var k = df.filter("cluster_size > 2").select("cluster_size", "weight_neardup").first();
    assertEquals(one / k.getInt(0), k.getDouble(1), 1e-9);
    String id = df.filter("cluster_size > 2").select("id").first().getString(0);
    String text =
        io.reweigh.jobs.report.Explain.explain(
            spark, new OutputDir(out.toString(), spark.sparkContext().hadoopConfiguration()), id);
    assertTrue(text.contains("cluster_size " + k.getInt(0)), text);
    assertTrue(text.contains("cluster_id doc-"), text);

    String oldShuffle = spark.conf().get("spark.sql.shuffle.partitions");
    String oldBytes = spark.conf().get("spark.sql.files.maxPartitionBytes");
    try {
      spark.conf().set("spark.sql.shuffle.partitions", "7");
      spark.conf().set("spark.sql.files.maxPartitionBytes", "65536");
      Pipeline.Summary other = run(tmp.resolve("neardup2"), cfg("stages=[neardup]"), true);
      assertEquals(shardHashes(first), shardHashes(other), "same bytes with other partitioning");
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", oldShuffle);
      spark.conf().set("spark.sql.files.maxPartitionBytes", oldBytes);
    }
  }

  @Test
  void noSignalsGiveUniformWeights() {
    Pipeline.Summary s = run(tmp.resolve("uniform"), cfg("stages=[]"), false);
    var df = spark.read().parquet(tmp.resolve("uniform").resolve(Columns.SHARDS_DIR).toString());
    assertEquals(
        List.of("id", "text", "domain", "label", "url", "n_tokens", "weight"),
        List.of(df.columns()));
    assertEquals(DOCS, df.filter("weight = 1.0").count());
    assertEquals((long) DOCS, s.counts().outputRows());
  }

  @Test
  void usersExtraColumnsAreTheirsEvenWhenNamedLikeWorkingColumns() throws IOException {
    Path in = tmp.resolve("kind-in");
    Files.createDirectories(in);
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      jsonl.append(
          String.format(
              "{\"id\": \"d%d\", \"text\": \"document number %d about %s\", \"kind\": \"%s\","
                  + " \"_raw\": %d, \"rank\": %d}%n",
              i, i, i % 2 == 0 ? "cats" : "dogs", i % 3 == 0 ? "web" : "book", i, 100 - i));
    }
    Files.writeString(in.resolve("data.jsonl"), jsonl.toString());
    Path out = tmp.resolve("kind-out");
    LOG.reset();
    Pipeline.Summary s =
        Pipeline.run(
            spark,
            new Pipeline.Options(in.toString(), out.toString(), cfg("stages=[commonness]"), false),
            new Progress(new PrintStream(LOG, true), 60));
    assertEquals(40, s.counts().outputRows());
    var df = spark.read().parquet(out.resolve(Columns.SHARDS_DIR).toString());
    assertEquals(
        List.of(
            "id",
            "text",
            "domain",
            "_raw",
            "kind",
            "rank",
            "n_tokens",
            "weight",
            "weight_commonness"),
        List.of(df.columns()));
    assertEquals(14, df.filter("kind = 'web'").count(), "carried unchanged");
    assertEquals(0, df.filter("_raw + rank != 100").count(), "carried unchanged");

    // a documented output column in the input is an error that names it, before any stage runs
    Files.writeString(
        in.resolve("data.jsonl"), "{\"id\": \"a\", \"text\": \"x\", \"weight\": 2}\n");
    var e =
        assertThrows(
            io.reweigh.core.error.ReweighException.class,
            () ->
                Pipeline.run(
                    spark,
                    new Pipeline.Options(
                        in.toString(), tmp.resolve("clash-out").toString(), cfg(), false),
                    new Progress(new PrintStream(LOG, true), 60)));
    assertFalse(
        Files.exists(tmp.resolve("clash-out").resolve("stages/ingest/_COMMITTED")),
        "nothing was committed");
    assertTrue(e.getMessage().contains("'weight'"), e.getMessage());
  }

  @Test
  void aFailingStageLeavesNothingCommitted() {
    Path out = tmp.resolve("crash");
    OutputDir dir = new OutputDir(out.toString(), spark.sparkContext().hadoopConfiguration());
    StageRunner runner = new StageRunner(dir, false, new Progress(new PrintStream(LOG, true), 60));
    assertThrows(
        IllegalStateException.class,
        () ->
            runner.run(
                "boom",
                "fp",
                t -> {
                  Files.createDirectories(
                      Path.of(new org.apache.hadoop.fs.Path(t, "data").toUri()));
                  throw new IllegalStateException("executor lost");
                }));
    assertFalse(Files.exists(out.resolve("stages/boom")));
    assertEquals(null, runner.committedFingerprint("boom"));
    // a good run commits; the same fingerprint is then skipped
    runner.run(
        "ok",
        "fp1",
        t -> {
          spark.range(3).write().parquet(new org.apache.hadoop.fs.Path(t, "data").toString());
          return StageStats.of(3, Map.of());
        });
    assertEquals("fp1", runner.committedFingerprint("ok"));
    StageRunner.Outcome again =
        runner.run(
            "ok",
            "fp1",
            t -> {
              throw new AssertionError("must not run");
            });
    assertTrue(again.skipped());
    assertEquals(3, again.stats().rows());
  }
}
