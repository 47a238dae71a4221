package io.reweigh.sampler.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.ReweighException;
import io.reweigh.core.signal.Signal;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.WeightStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler on hand-made tables: arithmetic, budgets, resampling, phases, sizes, parallelism. */
class ShardWriterTest {
  @TempDir Path tmp;
  private int runs;

  static final StructType DOCS =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("text", DataTypes.StringType)
          .add("domain", DataTypes.StringType)
          .add("kind", DataTypes.StringType)
          .add("n_tokens", DataTypes.IntegerType);
  static final StructType SCORES =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("weight_fake", DataTypes.DoubleType)
          .add("weight_fake_2", DataTypes.DoubleType);

  /** n documents over domains a (half), b (a third), c (the rest), varied lengths and weights. */
  static List<Row[]> corpus(int n) {
    List<Row[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String domain = i % 6 < 3 ? "a" : i % 6 < 5 ? "b" : "c";
      int tokens = 10 + (i * 37) % 200;
      double w = 0.2 + ((i * 7919L) % 1000) / 250.0;
      double w2 = 0.5 + ((i * 104729L) % 1000) / 500.0;
      String id = String.format("d%05d", i);
      rows.add(
          new Row[] {
            RowFactory.create(id, "t ".repeat(tokens), domain, "k" + (i % 3), tokens),
            RowFactory.create(id, w, w2)
          });
    }
    return rows;
  }

  static Dataset<Row> docs(List<Row[]> c, int partitions) {
    SparkSession spark = SharedSpark.session();
    return spark.createDataFrame(c.stream().map(r -> r[0]).toList(), DOCS).repartition(partitions);
  }

  static Dataset<Row> scores(List<Row[]> c) {
    return SharedSpark.session().createDataFrame(c.stream().map(r -> r[1]).toList(), SCORES);
  }

  static final Signal.Outputs FAKE = Signal.Outputs.weight("weight_fake");
  static final Signal.Outputs PHASED =
      new Signal.Outputs(
          "weight_fake",
          List.of("weight_fake_2"),
          null,
          null,
          null,
          List.of("weight_fake", "weight_fake_2"));

  record Run(ShardSets.Result result, Path dir, SamplerParams params) {
    ShardSets.SetResult set(int i) {
      return result.sets().get(i);
    }

    Dataset<Row> read(String setDir) {
      return SharedSpark.session().read().parquet(dir.resolve(setDir).toString());
    }
  }

  Run run(List<Row[]> corpus, int partitions, Signal.Outputs outputs, String... sets) {
    ResolvedConfig cfg = ResolvedConfig.defaults().withSet("stages=[]");
    for (String s : sets) {
      cfg = cfg.withSet(s);
    }
    Map<String, Signal.Outputs> out = outputs == null ? Map.of() : Map.of("fake", outputs);
    SamplerParams p = SamplerParams.fromConfig(cfg, out);
    Path dir = tmp.resolve("run" + (runs++));
    Map<String, Dataset<Row>> tables = new HashMap<>();
    if (outputs != null) {
      tables.put("fake", scores(corpus));
    }
    ShardSets.Result r =
        ShardWriter.write(
            SharedSpark.session(),
            docs(corpus, partitions),
            tables,
            p,
            new org.apache.hadoop.fs.Path(dir.toUri()));
    return new Run(r, dir, p);
  }

  static List<String> sha(Run r) {
    return r.result().shards().stream().map(ShardSets.ShardInfo::sha256).toList();
  }

  @Test
  void weightedModeHandArithmeticAndRowShards() {
    List<Row[]> c = new ArrayList<>();
    double[] w = {1, 2, 4, 8, 0.001};
    for (int i = 0; i < w.length; i++) {
      c.add(
          new Row[] {
            RowFactory.create("x" + i, "a b", "d", null, 2), RowFactory.create("x" + i, w[i], 1.0)
          });
    }
    Run r = run(c, 2, FAKE, "sampler.shard-rows=2", "sampler.max-weight-ratio=100");
    // median 2 → window [0.2, 20] (ratio 100 around the median, WeightMath): 0.001 → 0.2;
    // mean of (1, 2, 4, 8, 0.2) = 3.04 → weights w / 3.04
    Map<String, Double> got = new HashMap<>();
    for (Row row : r.read("shards").collectAsList()) {
      got.put(row.getAs("id"), row.getAs("weight"));
    }
    assertEquals(1 / 3.04, got.get("x0"), 1e-12);
    assertEquals(8 / 3.04, got.get("x3"), 1e-12);
    assertEquals(0.2 / 3.04, got.get("x4"), 1e-12);
    assertEquals(List.of(2L, 2L, 1L), r.result().shards().stream().map(s -> s.rows()).toList());
    assertEquals("shards/part-00002-of-00003.parquet", r.result().shards().get(2).path());
    assertEquals(5, r.result().documents());
    assertEquals(0, r.result().unsampled());
    assertSummaryOfShards(r);
  }

  /** The manifest's weight summary describes the written weights (SparkStats.summary of them). */
  private static void assertSummaryOfShards(Run r) {
    Map<String, Double> want = io.reweigh.core.spark.SparkStats.summary(r.read("shards"), "weight");
    WeightStats w = r.set(0).weight();
    Map<String, Double> got = Map.of("min", w.min(), "max", w.max(), "mean", w.mean());
    for (String k : List.of("min", "max", "mean")) {
      assertEquals(want.get(k), got.get(k), Math.abs(want.get(k)) * 1e-12, k);
    }
    assertEquals(want.get("median"), w.median(), 1e-3 * want.get("max"), "median");
  }

  @Test
  void noSignalsMeansWeightOneAndASingleDomainTargetIsANoOp() {
    List<Row[]> c = corpus(60);
    Run r = run(c, 3, null, "sampler.shard-rows=25");
    assertEquals(
        1.0,
        r.read("shards").agg(org.apache.spark.sql.functions.min("weight")).first().getDouble(0));
    assertEquals(
        1.0,
        r.read("shards").agg(org.apache.spark.sql.functions.max("weight")).first().getDouble(0));
    List<Row[]> one = new ArrayList<>();
    for (Row[] row : c) {
      Row d = row[0];
      one.add(new Row[] {RowFactory.create(d.get(0), d.get(1), "x", d.get(3), d.get(4)), row[1]});
    }
    Run single = run(one, 3, FAKE, "sampler.shard-rows=25");
    Run targeted = run(one, 3, FAKE, "sampler.shard-rows=25", "sampler.domain-targets={x: 1}");
    assertEquals(sha(single), sha(targeted), "the one domain's factor is 1");
  }

  @Test
  void documentsWithoutAScoreAreAnErrorNamingTheSignalCountAndAnId() {
    List<Row[]> c = corpus(40);
    // two documents lose their phase-2 score: phase 1 is fine, phase 2 names them
    for (int i : new int[] {7, 3}) {
      Row s = c.get(i)[1];
      c.get(i)[1] = RowFactory.create(s.get(0), s.get(1), null);
    }
    io.reweigh.core.error.ReweighException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.reweigh.core.error.ReweighException.class,
            () -> run(c, 2, PHASED, "sampler.phases=true", "sampler.shard-rows=100"));
    assertTrue(e.getMessage().contains("'fake' has no score for 2 documents"), e.getMessage());
    assertTrue(e.getMessage().contains("d00003"), e.getMessage());
  }

  private static void assertShares(ShardSets.SetResult set, boolean ofTokens, double tol) {
    double total = 0;
    for (DomainStats d : set.domains()) {
      total += ofTokens ? d.weightedTokens() : d.weight();
    }
    for (DomainStats d : set.domains()) {
      double share = (ofTokens ? d.weightedTokens() : d.weight()) / total;
      assertEquals(d.target(), share, tol, d.toString());
    }
  }

  @Test
  void domainTargetsAreMetFromAFileOrInline() throws Exception {
    List<Row[]> c = corpus(900);
    Path json = tmp.resolve("targets.json");
    Files.writeString(json, "{\"a\": 0.2, \"b\": 0.3, \"c\": 0.5}");
    Run file = run(c, 4, FAKE, "sampler.shard-rows=400", "sampler.domain-targets=\"" + json + "\"");
    assertShares(file.set(0), false, 1e-9);
    assertSummaryOfShards(file);
    Run inline =
        run(
            c,
            4,
            FAKE,
            "sampler.shard-rows=400",
            "sampler.domain-targets={a: 0.2, b: 0.3, c: 0.5}");
    assertEquals(sha(file), sha(inline));
    // the shards agree with the manifest's totals, and the mean weight is 1
    Map<String, Double> byDomain = new HashMap<>();
    for (Row row :
        file.read("shards")
            .groupBy("domain")
            .agg(org.apache.spark.sql.functions.sum("weight"))
            .collectAsList()) {
      byDomain.put(row.getString(0), row.getDouble(1));
    }
    assertEquals(0.5 * 900, byDomain.get("c"), 1e-6);
    for (DomainStats d : file.set(0).domains()) {
      assertEquals(d.weight(), byDomain.get(d.domain()), 1e-6);
      assertEquals(
          d.documents() * 1.0, d.domain().equals("a") ? 450 : d.domain().equals("b") ? 300 : 150);
    }
    Run tokens =
        run(
            c,
            4,
            FAKE,
            "sampler.shard-rows=400",
            "sampler.domain-targets={a: 0.2, b: 0.3, c: 0.5}",
            "sampler.domain-share-of=tokens");
    assertShares(tokens.set(0), true, 1e-9);
    double mean =
        tokens
            .read("shards")
            .agg(org.apache.spark.sql.functions.avg("weight"))
            .first()
            .getDouble(0);
    assertEquals(1.0, mean, 1e-9);
  }

  @Test
  void domainTargetErrorsNameTheDomainOrFile() throws Exception {
    List<Row[]> c = corpus(60);
    ReweighException unnamed =
        assertThrows(
            ReweighException.class,
            () -> run(c, 2, FAKE, "sampler.domain-targets={a: 0.5, b: 0.5}"));
    assertTrue(unnamed.getMessage().contains("'c' (10 documents)"), unnamed.getMessage());
    ReweighException empty =
        assertThrows(
            ReweighException.class,
            () -> run(c, 2, FAKE, "sampler.domain-targets={a: 0.4, b: 0.3, c: 0.2, web: 0.1}"));
    assertTrue(empty.getMessage().contains("domain 'web'"), empty.getMessage());
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "a = 0.5");
    ReweighException notJson =
        assertThrows(
            ReweighException.class,
            () -> run(c, 2, FAKE, "sampler.domain-targets=\"" + bad + "\""));
    assertTrue(notJson.getMessage().contains("file " + bad), notJson.getMessage());
    assertTrue(notJson.getMessage().contains("it is not JSON"), notJson.getMessage());
    ReweighException missing =
        assertThrows(
            ReweighException.class,
            () -> run(c, 2, FAKE, "sampler.domain-targets=\"" + tmp.resolve("nope.json") + "\""));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    List<Row[]> noDomain = new ArrayList<>(c);
    Row d = c.get(7)[0];
    noDomain.set(
        7,
        new Row[] {RowFactory.create(d.get(0), d.get(1), null, d.get(3), d.get(4)), c.get(7)[1]});
    ReweighException none =
        assertThrows(
            ReweighException.class,
            () -> run(noDomain, 2, FAKE, "sampler.domain-targets={a: 0.5, b: 0.3, c: 0.2}"));
    assertTrue(
        none.getMessage().startsWith("1 usable documents have no domain (e.g. id d00007)"),
        none.getMessage());
  }

  @Test
  void resampleHitsTheTokenBudgetWithFloorOrCeilCopiesSpreadOverShards() {
    List<Row[]> c = corpus(1200);
    long usable = 0;
    for (Row[] r : c) {
      usable += r[0].getInt(4);
    }
    long target = Math.round(usable * 1.7);
    Run r =
        run(
            c,
            4,
            FAKE,
            "sampler.mode=resample",
            "sampler.target-tokens=" + target,
            "sampler.shard-rows=97");
    ShardSets.SetResult set = r.set(0);
    assertEquals(target, set.targetTokens());
    assertTrue(Math.abs(set.tokens() - target) <= 0.005 * target, set.tokens() + " vs " + target);
    Dataset<Row> rows = r.read("shards");
    assertEquals(set.rows(), rows.count());
    assertEquals(
        set.tokens(), rows.agg(org.apache.spark.sql.functions.sum("n_tokens")).first().getLong(0));
    // every document: ⌊w·r⌋ or ⌊w·r⌋+1 copies numbered 0…c−1
    Map<String, Double> weights = new HashMap<>();
    Map<String, List<Integer>> copies = new HashMap<>();
    for (Row row : rows.select("id", "weight", "copy").collectAsList()) {
      weights.put(row.getString(0), row.getDouble(1));
      copies.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(row.getInt(2));
    }
    Map<String, Double> allWeights = new HashMap<>();
    Run weighted = run(c, 4, FAKE, "sampler.shard-rows=97");
    for (Row row : weighted.read("shards").select("id", "weight").collectAsList()) {
      allWeights.put(row.getString(0), row.getDouble(1));
    }
    long zero = 0;
    for (Map.Entry<String, Double> e : allWeights.entrySet()) {
      List<Integer> got = copies.getOrDefault(e.getKey(), List.of());
      double expect = e.getValue() * set.ratio();
      assertTrue(
          got.size() == Math.floor(expect) || got.size() == Math.floor(expect) + 1,
          e.getKey() + ": " + expect + " → " + got.size());
      List<Integer> sorted = new ArrayList<>(got);
      java.util.Collections.sort(sorted);
      for (int k = 0; k < sorted.size(); k++) {
        assertEquals(k, sorted.get(k));
      }
      zero += got.isEmpty() ? 1 : 0;
    }
    assertEquals(zero, set.unsampledDocuments());
    assertEquals(1200 - zero, r.result().documents());
    assertEquals(zero, r.result().unsampled());
    // copies of one document sit in different shards (max copies ≪ shards here)
    assertTrue(set.maxCopies() * 2 <= set.numShards(), set.toString());
    assertEquals(0L, set.copiesInSameShard());
    long distinctPairs = rows.select("id", "copy").distinct().count();
    assertEquals(set.rows(), distinctPairs);
  }

  @Test
  void downsamplingAndTheDefaultBudget() {
    List<Row[]> c = corpus(800);
    Run half = run(c, 3, FAKE, "sampler.mode=resample", "sampler.target-tokens=40000");
    assertTrue(Math.abs(half.set(0).tokens() - 40000) <= 200, half.set(0).toString());
    assertTrue(half.result().unsampled() > 0);
    Run same = run(c, 3, FAKE, "sampler.mode=resample");
    long usable = c.stream().mapToLong(r -> r[0].getInt(4)).sum();
    assertEquals(usable, same.set(0).targetTokens());
    assertTrue(Math.abs(same.set(0).tokens() - usable) <= 0.005 * usable);
  }

  @Test
  void phasesWriteTwoShardSetsWithTheirOwnWeightsAndBudgets() {
    List<Row[]> c = corpus(600);
    long usable = c.stream().mapToLong(r -> r[0].getInt(4)).sum();
    Run r =
        run(
            c,
            3,
            PHASED,
            "sampler.phases=true",
            "sampler.phase-split=0.25",
            "sampler.mode=resample",
            "sampler.target-tokens=" + usable * 2);
    assertEquals(2, r.result().sets().size());
    ShardSets.SetResult p1 = r.set(0);
    ShardSets.SetResult p2 = r.set(1);
    assertEquals("shards/phase-1", p1.dir());
    assertEquals(Map.of("fake", "weight_fake_2"), p2.weightColumns());
    assertEquals(Math.round(usable * 2 * 0.25), p1.targetTokens());
    assertEquals(Math.round(usable * 2 * 0.75), p2.targetTokens());
    assertTrue(Math.abs(p1.tokens() - p1.targetTokens()) <= 0.005 * p1.targetTokens());
    assertTrue(Math.abs(p2.tokens() - p2.targetTokens()) <= 0.005 * p2.targetTokens());
    assertTrue(r.result().shards().get(0).path().startsWith("shards/phase-1/part-00000-of-"));
    // weighted mode: every document once in each phase set, weighted with that phase's column
    Run w = run(c, 3, PHASED, "sampler.phases=true");
    assertEquals(600, w.read("shards/phase-1").count());
    assertEquals(600, w.read("shards/phase-2").count());
    Row a = w.read("shards/phase-1").filter("id = 'd00001'").first();
    Row b = w.read("shards/phase-2").filter("id = 'd00001'").first();
    assertNotEquals((double) a.getAs("weight"), (double) b.getAs("weight"));
    assertEquals(600, w.result().documents());
  }

  @Test
  void tokenAndByteShardsHoldTheTargetWithinOneRow() {
    List<Row[]> c = corpus(500);
    Run t = run(c, 3, FAKE, "sampler.shard-tokens=5000");
    List<ShardSets.ShardInfo> shards = t.result().shards();
    for (int i = 0; i < shards.size() - 1; i++) {
      long tok = shards.get(i).tokens();
      assertTrue(tok >= 5000 - 209 && tok < 5000 + 209, i + ": " + tok);
    }
    assertEquals(t.set(0).tokens(), shards.stream().mapToLong(s -> s.tokens()).sum());
    Run b = run(c, 3, FAKE, "sampler.shard-bytes=20000");
    assertTrue(b.result().shards().size() > 5, b.result().shards().toString());
    assertEquals("bytes", b.set(0).shardUnit());
  }

  @Test
  void shardsDoNotDependOnPartitioning() {
    List<Row[]> c = corpus(700);
    String[] resample = {
      "sampler.mode=resample",
      "sampler.target-tokens=120000",
      "sampler.shard-tokens=9000",
      "sampler.domain-targets={a: 0.2, b: 0.3, c: 0.5}"
    };
    // (weighted mode's order and cuts are the same code; PipelineTest varies its partitioning)
    assertEquals(sha(run(c, 1, FAKE, resample)), sha(run(c, 7, FAKE, resample)));
  }
}
