package io.reweigh.influence.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.json.Json;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.stage.StageStats;
import io.reweigh.influence.InfluenceDetails;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.InfluenceSignal;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proxy-model and influence stages on a seeded demo corpus, in local Spark. */
class InfluenceStageTest {
  static final SparkSession spark = SharedSpark.session();
  static Path dir;
  static Dataset<Row> docs;
  static InfluenceParams params;
  static ProxyModelDetails modelStats;
  static StageStats influence;
  static InfluenceDetails stats;
  static List<ProxyModelStage.Checkpoint> checkpoints;
  static Map<String, Row> scored = new HashMap<>();
  static Map<String, String> labels = new HashMap<>();

  static InfluenceParams params(String... sets) {
    ResolvedConfig cfg = ResolvedConfig.defaults();
    for (String s :
        List.of(
            "influence.proxy.vocab=4096",
            "influence.proxy.width=64",
            "influence.max-tokens=64",
            "influence.train-steps=300",
            "influence.train-docs=800",
            "influence.batch-size=16",
            "influence.seed=3")) {
      cfg = cfg.withSet(s);
    }
    for (String s : sets) {
      cfg = cfg.withSet(s);
    }
    return InfluenceParams.fromConfig(cfg);
  }

  @BeforeAll
  static void run() throws Exception {
    dir = Files.createTempDirectory("influence-stage");
    StructType schema =
        new StructType()
            .add(Columns.ID, DataTypes.StringType)
            .add(Columns.TEXT, DataTypes.StringType)
            .add("label", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (DemoCorpus.Doc d : new DemoCorpus(11).generate(800)) {
      rows.add(RowFactory.create(d.id(), d.text(), d.label()));
      labels.put(d.id(), d.label());
    }
    docs = spark.createDataFrame(rows, schema).repartition(8);
    params = params();
    modelStats =
        ProxyModelStage.run(spark, docs, params.proxy(), dir.resolve("model").toString())
            .details(ProxyModelDetails.class);
    checkpoints = ProxyModelStage.read(spark, dir.resolve("model").toString());
    influence = InfluenceStage.run(spark, docs, params, checkpoints, dir.resolve("si").toString());
    stats = influence.details(InfluenceDetails.class);
    for (Row r : spark.read().parquet(dir.resolve("si").toString()).collectAsList()) {
      scored.put(r.getString(r.fieldIndex(Columns.ID)), r);
    }
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void proxyModelTrainsAndWritesCheckpointsAndLossCurve() {
    double first = modelStats.lossFirst();
    double last = modelStats.lossLast();
    assertTrue(last < 0.8 * first, "loss " + first + " -> " + last);
    assertEquals(1, checkpoints.size());
    assertTrue(Files.exists(dir.resolve("model/loss.csv")));
    assertTrue(Files.exists(dir.resolve("model/checkpoint-0000300.bin")));
  }

  private List<String> idsBySi() {
    List<String> ids = new ArrayList<>(scored.keySet());
    ids.sort(
        (a, b) -> {
          int c =
              Double.compare(
                  scored.get(b).getDouble(scored.get(b).fieldIndex(InfluenceSignal.SI)),
                  scored.get(a).getDouble(scored.get(a).fieldIndex(InfluenceSignal.SI)));
          return c != 0 ? c : a.compareTo(b);
        });
    return ids;
  }

  private static Map<String, Integer> count(List<String> ids) {
    Map<String, Integer> n = new HashMap<>();
    for (String id : ids) {
      n.merge(labels.get(id), 1, Integer::sum);
    }
    return n;
  }

  @Test
  void noiseRanksInTheTopDecileAndDuplicatesDoNot() {
    List<String> ranked = idsBySi();
    Map<String, Integer> all = count(ranked);
    Map<String, Integer> top = count(ranked.subList(0, ranked.size() / 10));
    int noise = all.get(DemoCorpus.NOISE);
    int noiseTop = top.getOrDefault(DemoCorpus.NOISE, 0);
    assertTrue(noise >= 10, "corpus has noise docs: " + all);
    int dups = all.get(DemoCorpus.EXACT_DUP);
    int dupsTop = top.getOrDefault(DemoCorpus.EXACT_DUP, 0);
    System.out.printf(
        "top SI decile: %d/%d noise, %d/%d exact duplicates, %s%n",
        noiseTop, noise, dupsTop, dups, top);
    // a random ranking puts 10% of each label in the top decile
    assertTrue(noiseTop >= 0.8 * noise, "noise in the top SI decile: " + noiseTop + "/" + noise);
    assertTrue(
        dupsTop <= 0.05 * dups, "exact duplicates in the top decile: " + dupsTop + "/" + dups);
  }

  @Test
  void weightsAreFiniteWithMeanOneAndOrderedBySi() {
    double s1 = 0;
    double s2 = 0;
    for (Row r : scored.values()) {
      double w1 = r.getDouble(r.fieldIndex(InfluenceSignal.W1));
      double w2 = r.getDouble(r.fieldIndex(InfluenceSignal.W2));
      assertTrue(Double.isFinite(w1) && w1 > 0 && Double.isFinite(w2) && w2 > 0);
      s1 += w1;
      s2 += w2;
    }
    assertEquals(1.0, s1 / scored.size(), 1e-9);
    assertEquals(1.0, s2 / scored.size(), 1e-9);
    List<String> ranked = idsBySi();
    Row hi = scored.get(ranked.get(0));
    Row lo = scored.get(ranked.get(ranked.size() - 1));
    assertTrue(
        hi.getDouble(hi.fieldIndex(InfluenceSignal.W1))
            > lo.getDouble(lo.fieldIndex(InfluenceSignal.W1)));
    assertTrue(
        hi.getDouble(hi.fieldIndex(InfluenceSignal.W2))
            < lo.getDouble(lo.fieldIndex(InfluenceSignal.W2)));
  }

  @Test
  void modelIsLoadedOncePerJvmAcrossPartitions() {
    assertEquals(1L, stats.modelLoads(), stats.toString());
    assertTrue(stats.batches() >= 8, stats.toString());
    assertEquals(List.of("cpu()"), stats.devices());
  }

  @Test
  void detailsAreWrittenUnderTheColumnsNamesAndReadBackTyped() throws Exception {
    Map<String, Object> json = influence.detailsJson();
    assertTrue(
        json.keySet()
            .containsAll(List.of(InfluenceSignal.SI, InfluenceSignal.W1, InfluenceSignal.W2)),
        json.keySet().toString());
    StageStats back =
        Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(influence), StageStats.class);
    assertEquals(stats, back.details(InfluenceDetails.class));
  }

  @Test
  void scoresDoNotDependOnPartitioningAndDropTopGoesToTheHighestSi() {
    InfluenceParams drop = params("influence.drop-top-fraction=0.1");
    InfluenceStage.run(
        spark, docs.repartition(3), drop, checkpoints, dir.resolve("si-3").toString());
    List<Row> again = spark.read().parquet(dir.resolve("si-3").toString()).collectAsList();
    assertEquals(scored.size(), again.size());
    double minDropped = Double.MAX_VALUE;
    double maxKept = -Double.MAX_VALUE;
    int dropped = 0;
    for (Row r : again) {
      Row before = scored.get(r.getString(r.fieldIndex(Columns.ID)));
      double si = r.getDouble(r.fieldIndex(InfluenceSignal.SI));
      assertEquals(before.getDouble(before.fieldIndex(InfluenceSignal.SI)), si, 0.0);
      assertEquals(
          before.getDouble(before.fieldIndex(InfluenceSignal.W2)),
          r.getDouble(r.fieldIndex(InfluenceSignal.W2)),
          0.0);
      if (r.getBoolean(r.fieldIndex(InfluenceSignal.DROPPED))) {
        dropped++;
        minDropped = Math.min(minDropped, si);
      } else {
        maxKept = Math.max(maxKept, si);
      }
    }
    assertEquals(80, dropped);
    assertTrue(minDropped >= maxKept);
    assertEquals(
        0, spark.read().parquet(dir.resolve("si").toString()).filter(col("dropped")).count());
  }
}
