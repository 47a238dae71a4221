package io.reweigh.dedup.neardup.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.stage.StageStats;
import io.reweigh.dedup.neardup.MinHash;
import io.reweigh.dedup.neardup.NearDupParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NearDupStageTest {
  static final SparkSession spark = SharedSpark.session();
  static final StructType SCHEMA =
      new StructType()
          .add(Columns.ID, DataTypes.StringType, false)
          .add(Columns.TEXT, DataTypes.StringType, false);

  @TempDir Path tmp;

  /** A planted document: its group (the base it was derived from, or its own id) and text. */
  record Planted(String id, String group, String text, double rate) {
    Planted(String id, String group, String text) {
      this(id, group, text, -1);
    }
  }

  static String words(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append('w').append(r.nextInt(30_000));
    }
    return sb.toString();
  }

  static String perturb(SplittableRandom r, String text, double rate) {
    String[] t = text.split(" ");
    for (int i = 0; i < t.length; i++) {
      if (r.nextDouble() < rate) {
        t[i] = "x" + r.nextInt(1_000_000);
      }
    }
    return String.join(" ", t);
  }

  /**
   * Unique documents, clusters of exact copies of known sizes, and clusters of perturbed copies of
   * one base at several rates (each copy perturbed independently from the base).
   */
  static List<Planted> corpus() {
    SplittableRandom r = new SplittableRandom(42);
    List<Planted> docs = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < 300; i++) {
      String id = String.format("u%04d", next++);
      docs.add(new Planted(id, id, words(r, 80 + r.nextInt(400))));
    }
    int[] exactSizes = {2, 3, 5, 8, 20};
    for (int size : exactSizes) {
      String base = words(r, 100 + r.nextInt(300));
      String group = String.format("e%04d", next);
      for (int c = 0; c < size; c++) {
        docs.add(new Planted(String.format("e%04d", next++), group, base));
      }
    }
    for (double rate : new double[] {0.002, 0.005, 0.01, 0.02, 0.05, 0.1}) {
      for (int k = 0; k < 6; k++) {
        String base = words(r, 150 + r.nextInt(500));
        String group = String.format("p%04d", next);
        int size = 2 + r.nextInt(4);
        for (int c = 0; c < size; c++) {
          docs.add(
              new Planted(
                  String.format("p%04d", next++),
                  group,
                  c == 0 ? base : perturb(r, base, rate),
                  rate));
        }
      }
    }
    return docs;
  }

  static NearDupParams params(String... sets) {
    ResolvedConfig cfg = ResolvedConfig.defaults();
    for (String s : sets) {
      cfg = cfg.withSet(s);
    }
    return NearDupParams.fromConfig(cfg);
  }

  Map<String, Row> run(List<Planted> docs, NearDupParams p, Map<String, Object> details) {
    List<Row> rows = new ArrayList<>();
    for (Planted d : docs) {
      rows.add(RowFactory.create(d.id(), d.text()));
    }
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA).repartition(3);
    String out = tmp.resolve("nd-" + details.size() + System.nanoTime()).toString();
    StageStats s = NearDupStage.run(spark, df, p, out);
    details.putAll(s.detailsJson());
    Map<String, Row> got = new HashMap<>();
    for (Row r : spark.read().parquet(out).collectAsList()) {
      got.put(r.getString(0), r);
    }
    assertEquals(docs.size(), got.size());
    assertEquals(docs.size(), s.rows());
    return got;
  }

  @Test
  void plantedClustersAreFoundWithThePrecisionAndRecallOfTheIssue() {
    List<Planted> docs = corpus();
    NearDupParams p = params();
    Map<String, Object> details = new HashMap<>();
    Map<String, Row> got = run(docs, p, details);

    MinHash exact = p.minHash();
    Map<String, long[]> tokens = new HashMap<>();
    for (Planted d : docs) {
      tokens.put(d.id(), p.tokenizer().tokenIds(d.text()));
    }
    long truePairs = 0; // exact Jaccard ≥ 0.9
    long found = 0;
    long together = 0; // pairs put in one cluster
    long togetherSameGroup = 0;
    for (int i = 0; i < docs.size(); i++) {
      for (int j = i + 1; j < docs.size(); j++) {
        Planted a = docs.get(i);
        Planted b = docs.get(j);
        boolean same = got.get(a.id()).getString(1).equals(got.get(b.id()).getString(1));
        if (same) {
          together++;
          togetherSameGroup += a.group().equals(b.group()) ? 1 : 0;
        }
        if (a.group().equals(b.group())
            && exact.exactJaccard(tokens.get(a.id()), tokens.get(b.id())) >= 0.9) {
          truePairs++;
          found += same ? 1 : 0;
        }
      }
    }
    double recall = (double) found / truePairs;
    double precision = (double) togetherSameGroup / together;
    // the numbers docs/neardup.md quotes
    System.out.printf(
        java.util.Locale.ROOT,
        "neardup planted corpus: %d documents, recall at J >= 0.9 %.4f (%d of %d pairs),"
            + " precision %.4f (%d of %d pairs put together are planted together)%n",
        docs.size(),
        recall,
        found,
        truePairs,
        precision,
        togetherSameGroup,
        together);
    assertTrue(truePairs > 200, "pairs at J ≥ 0.9: " + truePairs);
    assertTrue(recall >= 0.95, "recall at J ≥ 0.9: " + recall + " of " + truePairs);
    assertTrue(precision >= 0.95, "precision: " + precision + " of " + together);

    // per perturbation rate: the exact Jaccard of copy and base, and how often they are together
    java.util.TreeMap<Double, double[]> byRate = new java.util.TreeMap<>();
    for (Planted d : docs) {
      if (d.rate() > 0 && !d.id().equals(d.group())) {
        double[] acc = byRate.computeIfAbsent(d.rate(), k -> new double[3]);
        acc[0]++;
        acc[1] += exact.exactJaccard(tokens.get(d.id()), tokens.get(d.group()));
        acc[2] += got.get(d.id()).getString(1).equals(got.get(d.group()).getString(1)) ? 1 : 0;
      }
    }
    byRate.forEach(
        (rate, acc) ->
            System.out.printf(
                java.util.Locale.ROOT,
                "neardup planted corpus: rate %.3f, %d copies, mean exact J %.3f, in the base's"
                    + " cluster %.3f%n",
                rate,
                (long) acc[0],
                acc[1] / acc[0],
                acc[2] / acc[0]));

    // exact copies: clusters of exactly the planted sizes, named by their smallest id
    for (Planted d : docs) {
      if (d.id().startsWith("e")) {
        long size = docs.stream().filter(o -> o.group().equals(d.group())).count();
        assertEquals(size, got.get(d.id()).getInt(2), d.id());
        assertEquals(d.group(), got.get(d.id()).getString(1));
      }
    }
    // unique documents stay alone, and weigh 1 / mean; a cluster of k weighs as one document
    Row u = got.get("u0000");
    assertEquals("u0000", u.getString(1));
    assertEquals(1, u.getInt(2));
    double mean = 0;
    for (Row r : got.values()) {
      mean += r.getDouble(3);
    }
    assertEquals(1.0, mean / got.size(), 1e-9);
    Row copy = got.get(docs.stream().filter(d -> d.id().startsWith("e")).findFirst().get().id());
    assertEquals(u.getDouble(3) / copy.getInt(2), copy.getDouble(3), 1e-12);
    assertTrue((long) details.get("verified_pairs") > 0);
    assertTrue((long) details.get("clusters") >= 5);
  }

  @Test
  void aHugeBucketIsJoinedThroughItsHubWithTheSamePairs() {
    List<Planted> docs = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(3);
    String boiler = words(r, 40);
    for (int i = 0; i < 120; i++) {
      docs.add(new Planted(String.format("b%04d", i), "b", boiler));
    }
    for (int i = 0; i < 50; i++) {
      docs.add(new Planted(String.format("u%04d", i), "u" + i, words(r, 60)));
    }
    Map<String, Object> shuffled = new HashMap<>();
    Map<String, Object> broadcast = new HashMap<>();
    Map<String, Object> all = new HashMap<>();
    Map<String, Row> a = run(docs, params("neardup.broadcast-buckets=0"), shuffled);
    Map<String, Row> b =
        run(docs, params("neardup.broadcast-buckets=0", "neardup.max-bucket=10"), broadcast);
    Map<String, Row> c = run(docs, params(), all);
    assertEquals("shuffle", shuffled.get("buckets_join"));
    assertEquals("shuffle", broadcast.get("buckets_join"));
    assertEquals("broadcast", all.get("buckets_join"));
    assertEquals(all.get("candidate_pairs"), broadcast.get("candidate_pairs"));
    assertEquals(a, c);
    assertEquals(0L, shuffled.get("buckets_over_max_bucket"));
    assertEquals(16L, broadcast.get("buckets_over_max_bucket"));
    assertEquals(16L * 120, broadcast.get("members_of_buckets_over_max_bucket"));
    assertEquals(120L, broadcast.get("largest_bucket"));
    assertEquals(shuffled.get("candidate_pairs"), broadcast.get("candidate_pairs"));
    assertEquals(119L, broadcast.get("candidate_pairs"));
    for (String id : a.keySet()) {
      assertEquals(a.get(id), b.get(id), id);
    }
    assertEquals(120, a.get("b0007").getInt(2));
    assertEquals("b0000", a.get("b0119").getString(1));
  }
}
