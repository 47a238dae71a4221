package io.reweigh.influence.coreset.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.error.ReweighException;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.influence.coreset.CoresetParams;
import io.reweigh.influence.coreset.CoresetSignal;
import io.reweigh.influence.coreset.Propagation.Member;
import io.reweigh.influence.spark.ProxyModelStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The coreset stage on 1,500 seeded demo documents with a small proxy LM. */
class CoresetStageTest {
  static final SparkSession spark = SharedSpark.session();
  static Path dir;
  static Dataset<Row> docs;
  static List<ProxyModelStage.Checkpoint> checkpoints;
  static Map<String, Object> stats;
  static Dataset<Row> out;
  static final int N = 1500;

  static CoresetParams params(String... sets) {
    ResolvedConfig cfg = ResolvedConfig.defaults();
    for (String s :
        List.of(
            "influence.proxy.vocab=1024",
            "influence.proxy.width=32",
            "influence.max-tokens=32",
            "influence.train-steps=40",
            "influence.train-docs=500",
            "coreset.fraction=0.04",
            "coreset.hashed.dim=512",
            "coreset.validation-docs=300")) {
      cfg = cfg.withSet(s);
    }
    for (String s : sets) {
      cfg = cfg.withSet(s);
    }
    return CoresetParams.fromConfig(cfg);
  }

  @BeforeAll
  static void run() throws Exception {
    dir = Files.createTempDirectory("coreset-stage");
    StructType schema =
        new StructType()
            .add(Columns.ID, DataTypes.StringType)
            .add(Columns.TEXT, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (DemoCorpus.Doc d : new DemoCorpus(5).generate(N)) {
      rows.add(RowFactory.create(d.id(), d.text()));
    }
    docs = spark.createDataFrame(rows, schema).repartition(3);
    CoresetParams p = params();
    ProxyModelStage.run(spark, docs, p.influence().proxy(), dir.resolve("model").toString());
    checkpoints = ProxyModelStage.read(spark, dir.resolve("model").toString());
    stats =
        CoresetStage.run(spark, docs, p, checkpoints, dir.resolve("a").toString()).detailsJson();
    out = spark.read().parquet(dir.resolve("a").toString());
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void coresetHasTheAskedShareAndCoversEveryCluster() {
    assertEquals(N, out.count());
    long size = out.filter(functions.col(CoresetSignal.IS_CORESET)).count();
    assertEquals(60, size, "4% of 1,500");
    long clusters = out.select(CoresetSignal.CLUSTER).distinct().count();
    assertEquals(8L, ((Number) stats.get("clusters_requested")).longValue(), "√60 ≈ 8");
    assertEquals(clusters, ((Number) stats.get("clusters_used")).longValue());
    assertEquals(
        clusters,
        out.filter(functions.col(CoresetSignal.IS_CORESET))
            .select(CoresetSignal.CLUSTER)
            .distinct()
            .count(),
        "every cluster has a coreset member");
    // self-influence is known exactly on the coreset and nowhere else
    assertEquals(size, out.filter(functions.col(CoresetSignal.SI).isNotNull()).count());
  }

  @Test
  void everyDocumentTakesTheWeightOfItsNearestMemberInItsCluster() {
    Row agg =
        out.agg(functions.avg(CoresetSignal.WEIGHT), functions.min(CoresetSignal.WEIGHT)).first();
    assertEquals(1.0, agg.getDouble(0), 1e-9, "mean 1");
    assertTrue(agg.getDouble(1) > 0);
    Dataset<Row> members =
        out.filter(functions.col(CoresetSignal.IS_CORESET))
            .select(
                functions.col(Columns.ID).as("m"),
                functions.col(CoresetSignal.CLUSTER).as("mc"),
                functions.col(CoresetSignal.WEIGHT).as("mw"));
    Dataset<Row> j =
        out.join(members, functions.col(CoresetSignal.NN_ID).equalTo(functions.col("m")));
    assertEquals(N, j.count(), "every nn_id is a coreset member");
    assertEquals(0, j.filter("mc != cluster").count(), "… of the same cluster");
    assertEquals(0, j.filter("mw != weight_coreset").count(), "… whose weight it takes");
    assertEquals(
        0,
        out.filter(functions.col(CoresetSignal.IS_CORESET))
            .filter(
                functions
                    .col(CoresetSignal.NN_ID)
                    .notEqual(functions.col(Columns.ID))
                    .or(functions.col(CoresetSignal.NN_DISTANCE).notEqual(0.0)))
            .count(),
        "members are their own nearest member");
  }

  @Test
  void fidelityIsReported() {
    @SuppressWarnings("unchecked")
    Map<String, Object> v = (Map<String, Object>) stats.get("validation");
    assertEquals(300, ((Number) v.get("docs")).intValue());
    double rho = ((Number) v.get("spearman")).doubleValue();
    assertTrue(rho > 0.2 && rho <= 1, "spearman " + rho);
    assertTrue(((Number) v.get("full_scoring_seconds_estimate")).doubleValue() > 0);
  }

  @Test
  void sameBytesWhateverThePartitioningAndTheProxyEmbeddingRuns() throws Exception {
    String b = dir.resolve("b").toString();
    CoresetStage.run(
        spark, docs.repartition(7), params("coreset.validation-docs=0"), checkpoints, b);
    Dataset<Row> other = spark.read().parquet(b);
    String[] cols = {
      Columns.ID,
      CoresetSignal.CLUSTER,
      CoresetSignal.IS_CORESET,
      CoresetSignal.NN_ID,
      CoresetSignal.NN_DISTANCE,
      CoresetSignal.WEIGHT
    };
    assertEquals(
        0,
        out.selectExpr(cols).exceptAll(other.selectExpr(cols)).count(),
        "same clusters, coreset, neighbours and weights with 7 partitions instead of 3");

    String c = dir.resolve("c").toString();
    Map<String, Object> ps =
        CoresetStage.run(
                spark,
                docs,
                params("coreset.embedding=proxy", "coreset.validation-docs=0"),
                checkpoints,
                c)
            .detailsJson();
    assertEquals("proxy", ps.get("embedding"));
    assertEquals(60, spark.read().parquet(c).filter("is_coreset").count());
  }

  @Test
  void propagationOnAHandMadeCase() {
    // cluster 0 has members a (1,0) with weight 2 and b (0,1) with weight 0.5; cluster 1 has c
    Map<Integer, List<Member<Vector>>> members =
        Map.of(
            0,
            List.of(
                new Member<>("a", Vectors.dense(1, 0), 2.0),
                new Member<>("b", Vectors.dense(0, 1), 0.5)),
            1,
            List.of(new Member<>("c", Vectors.dense(0.9, 0.1), 7.0)));
    List<Row> docs =
        List.of(
            RowFactory.create("a", 0, true, Vectors.dense(1, 0)),
            RowFactory.create("x", 0, false, Vectors.dense(0.9, 0.1)),
            RowFactory.create("y", 0, false, Vectors.dense(0.2, 0.8)),
            RowFactory.create("z", 0, false, Vectors.dense(0.5, 0.5)),
            RowFactory.create("w", 1, false, Vectors.dense(0, 1)));
    Map<String, Row> got = new java.util.HashMap<>();
    PropagationJob.propagate(docs.iterator(), members, PropagationJob.RULE)
        .forEachRemaining(r -> got.put(r.getString(0), r));
    assertEquals("a", got.get("a").getString(3));
    assertEquals(0.0, got.get("a").getDouble(4));
    assertEquals("a", got.get("x").getString(3));
    assertEquals((double) (float) 0.02, got.get("x").getDouble(4), "squared distance");
    assertEquals(2.0, got.get("x").getDouble(5));
    assertEquals("b", got.get("y").getString(3));
    assertEquals(0.5, got.get("y").getDouble(5));
    assertEquals("a", got.get("z").getString(3), "a tie goes to the smaller id");
    assertEquals("c", got.get("w").getString(3), "only members of the document's own cluster");
    assertEquals(7.0, got.get("w").getDouble(5));
    // nearest centroid: ties to the lower index
    Row c = Clustering.nearestCenter(new double[][] {{0, 1}, {1, 0}}, Vectors.dense(0.5, 0.5));
    assertEquals(0, c.getInt(0));
    assertEquals(0.5, c.getDouble(1), 1e-7);
  }

  @Test
  void impossibleClusterCountsAreClearErrors() {
    ReweighException tooMany =
        assertThrows(
            ReweighException.class,
            () ->
                CoresetStage.run(
                    spark,
                    docs,
                    params("coreset.clusters=61"),
                    checkpoints,
                    dir.resolve("x").toString()));
    assertTrue(tooMany.getMessage().contains("coreset.clusters"), tooMany.getMessage());
    assertTrue(tooMany.getMessage().contains("coreset size (60"), tooMany.getMessage());
    assertThrows(
        ReweighException.class,
        () -> ResolvedConfig.defaults().withSet("coreset.fraction=0"),
        "fraction must be > 0");
    assertThrows(
        ReweighException.class, () -> ResolvedConfig.defaults().withSet("coreset.fraction=1.5"));
  }
}
