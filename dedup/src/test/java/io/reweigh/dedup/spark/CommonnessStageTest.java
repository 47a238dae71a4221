package io.reweigh.dedup.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.error.ReweighException;
import io.reweigh.core.json.Json;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.core.text.UnicodeTokenizer;
import io.reweigh.core.weights.RankCorrelation;
import io.reweigh.dedup.CommonnessDetails;
import io.reweigh.dedup.CommonnessParams;
import io.reweigh.dedup.CommonnessSignal;
import io.reweigh.dedup.DocScore;
import io.reweigh.dedup.KneserNeyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommonnessStageTest {
  static final SparkSession spark = SharedSpark.session();
  static final StructType SCHEMA =
      new StructType()
          .add(Columns.ID, DataTypes.StringType)
          .add(Columns.TEXT, DataTypes.StringType)
          .add("label", DataTypes.StringType);
  static List<DemoCorpus.Doc> demo;
  static Dataset<Row> demoDf;

  @TempDir Path tmp;

  @BeforeAll
  static void corpus() {
    demo = new DemoCorpus(5).generate(2500);
    List<Row> rows = new ArrayList<>();
    for (DemoCorpus.Doc d : demo) {
      rows.add(RowFactory.create(d.id(), d.text(), d.label()));
    }
    demoDf = spark.createDataFrame(rows, SCHEMA).repartition(3);
  }

  static CommonnessParams params(String... sets) {
    ResolvedConfig cfg = ResolvedConfig.defaults();
    for (String s : sets) {
      cfg = cfg.withSet(s);
    }
    return CommonnessParams.fromConfig(cfg);
  }

  static Dataset<Row> df(List<String> texts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create("d" + i, texts.get(i), "x"));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(2);
  }

  /** Exact mode must give the in-memory model's numbers bit for bit, by either path. */
  static void assertExactMatchesModel(Dataset<Row> docs, int order) {
    assertExactMatchesModel(docs, order, "in-memory", "in-memory");
    assertExactMatchesModel(docs, order, "distributed", "distributed");
  }

  static CommonnessDetails.Collector assertExactMatchesModel(
      Dataset<Row> docs, int order, String path, String expectedPath, String... sets) {
    List<String> all = new ArrayList<>(List.of("softdedup.order=" + order));
    all.add("softdedup.exact.path=" + path);
    all.addAll(List.of(sets));
    CommonnessParams p = params(all.toArray(String[]::new));
    CommonnessDetails.Collector stats = new CommonnessDetails.Collector();
    Map<String, Row> got = new HashMap<>();
    Dataset<Row> scored = ExactCommonness.score(spark, docs, p, stats, new Timer());
    for (Row r : scored.collectAsList()) {
      got.put(r.getString(0), r);
    }
    scored.unpersist();
    assertEquals(expectedPath, stats.path, stats.pathFallback);
    List<Row> rows = docs.select(Columns.ID, Columns.TEXT).collectAsList();
    io.reweigh.core.text.Tokenizer tok = p.tokenizer();
    List<long[]> ids = new ArrayList<>();
    for (Row r : rows) {
      ids.add(tok.tokenIds(r.getString(1)));
    }
    KneserNeyModel m = KneserNeyModel.train(ids, order);
    assertEquals(rows.size(), got.size());
    for (int i = 0; i < rows.size(); i++) {
      DocScore want = m.score(ids.get(i));
      Row r = got.get(rows.get(i).getString(0));
      assertEquals(want.positions(), r.getInt(1));
      assertEquals(want.logProb(), r.getDouble(2), 0.0, "doc " + rows.get(i).getString(0));
      assertEquals(want.commonness(), r.getDouble(3), 0.0);
    }
    return stats;
  }

  /** tokenizer.kind=huggingface: the n-grams are the tokenizer.json's tokens, by either path. */
  @Test
  void aHuggingFaceTokenizerGivesTheNgrams() {
    List<Row> first = demoDf.orderBy(Columns.ID).limit(200).collectAsList();
    Dataset<Row> small = spark.createDataFrame(first, SCHEMA).repartition(2);
    String[] hf = {
      "tokenizer.kind=huggingface",
      "tokenizer.path=\"" + io.reweigh.core.testing.ByoExample.tokenizer() + "\""
    };
    assertExactMatchesModel(small, 3, "in-memory", "in-memory", hf);
    assertExactMatchesModel(small, 3, "distributed", "distributed", hf);
    var bpe =
        io.reweigh.core.text.HuggingFaceTokenizer.load(
            io.reweigh.core.testing.ByoExample.tokenizer().toString());
    Map<String, Integer> positions = new HashMap<>();
    for (Row r :
        ExactCommonness.score(
                spark, small, params(hf), new CommonnessDetails.Collector(), new Timer())
            .collectAsList()) {
      positions.put(r.getString(0), r.getInt(1));
    }
    int differ = 0;
    for (Row r : first) {
      String text = r.getString(r.fieldIndex(Columns.TEXT));
      assertEquals(bpe.count(text) + 1, positions.get(r.getString(0)));
      differ += bpe.count(text) != new UnicodeTokenizer(false).count(text) ? 1 : 0;
    }
    assertTrue(differ > 100, "BPE and Unicode tokens differ on most documents: " + differ);
  }

  @Test
  void exactModeEqualsTheInMemoryModel() {
    List<Row> first = demoDf.orderBy(Columns.ID).limit(400).collectAsList();
    Dataset<Row> small = spark.createDataFrame(first, SCHEMA).repartition(3);
    assertExactMatchesModel(small, 4);
    assertExactMatchesModel(small, 2);
  }

  @Test
  void autoTakesTheInMemoryPathWhenTablesFitAndFallsBackWhenNot() {
    List<Row> first = demoDf.orderBy(Columns.ID).limit(300).collectAsList();
    Dataset<Row> small = spark.createDataFrame(first, SCHEMA).repartition(3);
    CommonnessDetails.Collector fits = assertExactMatchesModel(small, 3, "auto", "in-memory");
    CommonnessDetails.InMemoryPlan plan = fits.inMemory;
    assertTrue(plan.mergedTableBytes() > 0, plan.toString());
    // tables far larger than the limit: the distributed path, same bits, and the manifest says why;
    // it turns broadcast joins off while it runs and gives the session its settings back
    String threshold = spark.conf().get("spark.sql.autoBroadcastJoinThreshold");
    CommonnessDetails.Collector over =
        assertExactMatchesModel(
            small, 3, "auto", "distributed", "softdedup.exact.in-memory-limit=100000");
    assertTrue(
        String.valueOf(over.pathFallback).contains("softdedup.exact.in-memory-limit"),
        over.pathFallback);
    assertEquals(fits.orders, over.orders);
    assertEquals(threshold, spark.conf().get("spark.sql.autoBroadcastJoinThreshold"));
    assertTrue(spark.conf().getOption("spark.sql.adaptive.autoBroadcastJoinThreshold").isEmpty());
  }

  @Test
  void plantedDuplicatesAndBoilerplateGetLowerWeights() throws Exception {
    String path = tmp.resolve("c").toString();
    StageStats stats = CommonnessStage.run(spark, demoDf, params(), path);
    assertEquals(2500L, stats.rows());
    assertEquals(2500L, stats.toMap().get("rows"));
    // written and read back as the manifest does, the details parse into the same record
    StageStats back =
        Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(stats), StageStats.class);
    assertEquals(stats.details(CommonnessDetails.class), back.details(CommonnessDetails.class));
    assertEquals("in-memory", back.details(CommonnessDetails.class).path());
    Dataset<Row> out =
        spark.read().parquet(path).join(demoDf.select(Columns.ID, "label"), Columns.ID);
    Map<String, Double> mean = new LinkedHashMap<>();
    for (Row r : out.groupBy("label").agg(functions.avg(CommonnessSignal.WEIGHT)).collectAsList()) {
      mean.put(r.getString(0), r.getDouble(1));
    }
    assertTrue(mean.get(DemoCorpus.EXACT_DUP) < 0.6 * mean.get(DemoCorpus.UNIQUE), mean.toString());
    assertTrue(
        mean.get(DemoCorpus.BOILERPLATE) < 0.8 * mean.get(DemoCorpus.UNIQUE), mean.toString());
    Row agg =
        out.agg(
                functions.avg(CommonnessSignal.WEIGHT),
                functions.min(CommonnessSignal.WEIGHT),
                functions.max(CommonnessSignal.WEIGHT))
            .first();
    assertEquals(1.0, agg.getDouble(0), 1e-9);
    assertTrue(agg.getDouble(1) > 0 && agg.getDouble(2) < 20, agg.toString());
  }

  /**
   * Segmented weights come from k (weight, count) pairs on the driver: the same bits as the
   * definition, a global rank per document, clip bounds at quantile ranks of a second sort of the
   * raw weights, and an exact mean over the rows.
   */
  @Test
  void segmentedWeightsMatchTheRowByRowDefinitionBitForBit() {
    for (String[] sets :
        List.of(
            new String[] {},
            new String[] {"softdedup.segments=7", "softdedup.clip-low=0.2"},
            new String[] {"softdedup.segments=3", "softdedup.clip-high=0.6"})) {
      CommonnessParams p = params(sets);
      Dataset<Row> scores =
          ExactCommonness.score(spark, demoDf, p, new CommonnessDetails.Collector(), new Timer())
              .cache();
      long n = scores.count();
      CommonnessDetails.Collector stats = new CommonnessDetails.Collector();
      Map<String, Double> got = new HashMap<>();
      for (Row r :
          CommonnessStage.weights(scores, p, n, stats)
              .select(Columns.ID, CommonnessSignal.WEIGHT)
              .collectAsList()) {
        got.put(r.getString(0), r.getDouble(1));
      }
      // the definition, row by row
      int k = (int) Math.min(p.segments(), n);
      Dataset<Row> ranked =
          io.reweigh.core.spark.SparkStats.withRank(
              scores, CommonnessSignal.COMMONNESS, Columns.ID, "_r");
      List<Row> rows = ranked.select(Columns.ID, CommonnessSignal.COMMONNESS, "_r").collectAsList();
      java.math.BigDecimal[] sums = new java.math.BigDecimal[k];
      long[] counts = new long[k];
      Map<String, Integer> seg = new HashMap<>();
      for (Row r : rows) {
        int s = io.reweigh.core.weights.WeightMath.segmentOf(r.getLong(2), n, k);
        seg.put(r.getString(0), s);
        java.math.BigDecimal c =
            new java.math.BigDecimal(Double.toString(r.getDouble(1)))
                .setScale(18, java.math.RoundingMode.HALF_UP);
        sums[s] = sums[s] == null ? c : sums[s].add(c);
        counts[s]++;
      }
      double[] means = new double[k];
      for (int i = 0; i < k; i++) {
        means[i] = sums[i].doubleValue() / counts[i];
      }
      double[] w = io.reweigh.dedup.Weighting.segmentWeights(means);
      List<Row> raw = new ArrayList<>();
      seg.forEach((id, s) -> raw.add(RowFactory.create(id, w[s])));
      Dataset<Row> rawDf =
          spark.createDataFrame(
              raw,
              new StructType()
                  .add(Columns.ID, DataTypes.StringType)
                  .add("_w", DataTypes.DoubleType));
      double[] bounds =
          io.reweigh.core.spark.SparkStats.clipBounds(
              rawDf, "_w", Columns.ID, n, p.clipLow(), p.clipHigh());
      Dataset<Row> clipped =
          rawDf.withColumn(
              "_wc",
              functions.least(
                  functions.greatest(functions.col("_w"), functions.lit(bounds[0])),
                  functions.lit(bounds[1])));
      double mean = io.reweigh.core.spark.SparkStats.exactMean(clipped, "_wc");
      assertEquals(bounds[0], stats.clipLow);
      assertEquals(bounds[1], stats.clipHigh);
      assertEquals(n, got.size());
      for (Row r : clipped.collectAsList()) {
        double want = r.getDouble(2) / mean;
        assertEquals(
            Double.doubleToLongBits(want),
            Double.doubleToLongBits(got.get(r.getString(0))),
            r.getString(0) + ": " + want + " vs " + got.get(r.getString(0)));
      }
      scores.unpersist();
    }
  }

  @Test
  void inverseWeightingIsClippedAndNormalised() {
    String path = tmp.resolve("inv").toString();
    CommonnessStage.run(spark, demoDf, params("softdedup.weighting=inverse"), path);
    Dataset<Row> out = spark.read().parquet(path);
    Row r =
        out.agg(
                functions.avg(CommonnessSignal.WEIGHT),
                functions.min(CommonnessSignal.WEIGHT),
                functions.max(CommonnessSignal.WEIGHT))
            .first();
    assertEquals(1.0, r.getDouble(0), 1e-9);
    // clipping at the 1st/99th percentile: at least 1% of documents sit on each bound
    long atMin = out.filter(functions.col(CommonnessSignal.WEIGHT).equalTo(r.getDouble(1))).count();
    long atMax = out.filter(functions.col(CommonnessSignal.WEIGHT).equalTo(r.getDouble(2))).count();
    assertTrue(atMin >= 25 && atMax >= 25, atMin + " / " + atMax);
    // weight falls as commonness rises
    List<Row> sorted =
        out.orderBy(CommonnessSignal.COMMONNESS).select(CommonnessSignal.WEIGHT).collectAsList();
    for (int i = 1; i < sorted.size(); i++) {
      assertTrue(sorted.get(i).getDouble(0) <= sorted.get(i - 1).getDouble(0) + 1e-12);
    }
  }

  @Test
  void sketchModeRanksDocumentsLikeExactMode() {
    CommonnessDetails.Collector es = new CommonnessDetails.Collector();
    CommonnessDetails.Collector ss = new CommonnessDetails.Collector();
    Map<String, Double> exact = new HashMap<>();
    for (Row r : ExactCommonness.score(spark, demoDf, params(), es, new Timer()).collectAsList()) {
      exact.put(r.getString(0), r.getDouble(3));
    }
    CommonnessParams p =
        params(
            "softdedup.mode=sketch",
            "softdedup.sketch.eps=1e-5",
            "softdedup.sketch.validation-docs=500");
    List<Row> sketch = SketchCommonness.score(spark, demoDf, p, ss, new Timer()).collectAsList();
    double[] a = new double[sketch.size()];
    double[] b = new double[sketch.size()];
    for (int i = 0; i < sketch.size(); i++) {
      a[i] = exact.get(sketch.get(i).getString(0));
      b[i] = sketch.get(i).getDouble(3);
    }
    double rho = RankCorrelation.spearman(a, b);
    assertTrue(rho >= 0.95, "spearman " + rho);
    assertEquals(200_000, ss.sketchWidth);
    assertEquals(7, ss.sketchDepth);
    assertTrue(ss.sketchErrorBound > 0);
    CommonnessDetails.Validation v = ss.validation;
    assertEquals(500, v.docs());
    assertTrue(v.spearmanVsExact() > 0.8, v.toString());
  }

  @Test
  void aSketchAtLeastMaxResultSizeIsAUsageErrorNamingTheFix() {
    // 1.1 GB at eps = 1e-7, against the default 1 GB spark.driver.maxResultSize
    ReweighException e =
        assertThrows(
            ReweighException.class,
            () ->
                SketchCommonness.checkMemory(
                    spark, params("softdedup.mode=sketch", "softdedup.sketch.eps=1e-7")));
    assertTrue(e.getMessage().contains("softdedup.sketch.eps=1.0E-7"), e.getMessage());
    assertTrue(e.getMessage().contains("spark.driver.maxResultSize"), e.getMessage());
  }

  @Test
  void oneNgramInEveryDocumentIsScoredWithoutTheJoin() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      texts.add("HOT HOT HOT HOT HOT " + "w" + (i % 17) + " x" + (i % 5) + " tail " + i);
    }
    CommonnessDetails.Collector stats = new CommonnessDetails.Collector();
    ExactCommonness.score(
            spark, df(texts), params("softdedup.exact.path=distributed"), stats, new Timer())
        .count();
    assertTrue(stats.hotNgrams > 0);
    assertExactMatchesModel(df(texts), 4);
  }

  @Test
  void shortNonLatinAndLongDocuments() {
    List<String> texts = new ArrayList<>();
    texts.add("a");
    texts.add("? !");
    texts.add("数据清洗很重要。数据清洗很重要。");
    texts.add("مرحبا بالعالم مرحبا");
    texts.add("Привет , мир . Привет !");
    texts.add("नमस्ते दुनिया");
    StringBuilder longDoc = new StringBuilder();
    for (int i = 0; i < 60_000; i++) {
      longDoc.append("tok").append(i % 977).append(' ');
    }
    texts.add(longDoc.toString());
    for (int i = 0; i < 30; i++) {
      texts.add("filler document number " + i);
    }
    assertExactMatchesModel(df(texts), 4);
    assertExactMatchesModel(df(texts), 6);
    CommonnessDetails.Collector stats = new CommonnessDetails.Collector();
    for (Row r :
        ExactCommonness.score(spark, df(texts), params(), stats, new Timer()).collectAsList()) {
      double c = r.getDouble(3);
      assertTrue(c > 0 && c <= 1 && Double.isFinite(r.getDouble(2)), r.toString());
    }
  }
}
