package io.reweigh.influence.coreset.spark;

import static io.reweigh.influence.coreset.CoresetSignal.CLUSTER;
import static io.reweigh.influence.coreset.CoresetSignal.IS_CORESET;
import static io.reweigh.influence.coreset.CoresetSignal.NN_DISTANCE;
import static io.reweigh.influence.coreset.CoresetSignal.NN_ID;
import static io.reweigh.influence.coreset.CoresetSignal.SI;
import static io.reweigh.influence.coreset.CoresetSignal.WEIGHT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.weights.RankCorrelation;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.coreset.CoresetParams;
import io.reweigh.influence.coreset.CoresetPlan;
import io.reweigh.influence.coreset.CoresetSignal;
import io.reweigh.influence.coreset.HashedEmbedding;
import io.reweigh.influence.spark.InfluenceStage;
import io.reweigh.influence.spark.ProxyModelStage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The coreset stage ("The Power of Few", Jafari et al., ICASSP 2024; docs/coreset.md):
 *
 * <ol>
 *   <li>embed every document (hashed n-gram TF-IDF, or mean-pooled proxy-LM hidden states);
 *   <li>k-means (Spark MLlib, k-means||, seeded) on a partitioning fixed by the data, then one
 *       exact Lloyd step with fixed-point sums, so the centroids do not depend on executors;
 *   <li>per cluster, the moderate band of centroid distances gives the coreset ({@link
 *       CoresetPlan});
 *   <li>self-influence of the coreset only, with the proxy LM of the proxy-model stage, turned into
 *       PRESENCE weights;
 *   <li>every document takes the weight of its nearest coreset member in its cluster (exact, the
 *       cluster's members broadcast; no all-pairs join), normalised to mean 1;
 *   <li>fidelity: a seeded sample of non-coreset documents scored in full, Spearman of propagated
 *       vs true weights, and the full-scoring time that the coreset saved.
 * </ol>
 *
 * Output: id, cluster, is_coreset, nn_id, nn_distance, self_influence (coreset members only),
 * weight_coreset.
 */
public final class CoresetStage {
  // scratch columns, dropped before anything is written (Columns.INTERNAL_PREFIX)
  private static final String A_COL = Columns.INTERNAL_PREFIX + "a";
  private static final String DIST_COL = Columns.INTERNAL_PREFIX + "dist";
  private static final String H_COL = Columns.INTERNAL_PREFIX + "h";
  private static final String RANK_COL = Columns.INTERNAL_PREFIX + "rank";
  private static final String W_COL = Columns.INTERNAL_PREFIX + "w";

  private CoresetStage() {}

  static final String FEATURES = "features";
  static final String DIST = DIST_COL;

  /** The columns every document gets from propagation (the table adds self_influence, weight). */
  static final StructType PROPAGATED =
      new StructType()
          .add(Columns.ID, DataTypes.StringType, false)
          .add(CLUSTER, DataTypes.IntegerType, false)
          .add(IS_CORESET, DataTypes.BooleanType, false)
          .add(NN_ID, DataTypes.StringType, false)
          .add(NN_DISTANCE, DataTypes.DoubleType, false);

  /** Fixed-point scale of the exact centroid sums (embedding values lie in [-1, 1]). */
  static final double FIXED = 0x1p32;

  /** Rows per k-means partition: the partitioning follows from the data, not the cluster. */
  static final long ROWS_PER_PARTITION = 100_000;

  public static StageStats run(
      SparkSession spark,
      Dataset<Row> docs,
      CoresetParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String path) {
    Timer timer = new Timer();
    Map<String, Object> stats = new LinkedHashMap<>();
    Dataset<Row> base = docs.select(Columns.ID, Columns.TEXT);
    long n = base.count();
    long m = CoresetPlan.target(n, p.fraction());
    int k = p.clusters() > 0 ? p.clusters() : CoresetPlan.autoClusters(m);
    stats.put("embedding", p.proxyEmbedding() ? "proxy" : "hashed");
    stats.put("target_size", m);
    stats.put("clusters_requested", k);
    if (n == 0) {
      emptyTable(spark, path);
      timer.into(stats);
      return StageStats.of(0, stats);
    }
    if (k > n) {
      throw PipelineErrors.invalidValue(
          CoresetSignal.CLUSTERS.key(),
          k,
          null,
          "at most the number of usable documents (" + n + ")");
    }
    if (k > m) {
      throw PipelineErrors.invalidValue(
          CoresetSignal.CLUSTERS.key(),
          k,
          null,
          "at most the coreset size ("
              + m
              + " = coreset.fraction × "
              + n
              + " documents), so that every cluster has a member; raise coreset.fraction or"
              + " lower coreset.clusters");
    }
    JavaSparkContext jsc = new JavaSparkContext(spark.sparkContext());
    List<Dataset<Row>> persisted = new ArrayList<>();
    try {
      // 1. embeddings, on a partitioning that depends on the data only
      int parts =
          (int) Math.max(1, Math.min(10_000, (n + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
      Dataset<Row> emb =
          (p.proxyEmbedding()
                  ? ProxyEmbedding.embed(spark, base, p.influence(), checkpoints)
                  : hashed(spark, jsc, base, p, n))
              .withColumn(H_COL, SparkStats.seededHash(p.seed(), Columns.ID))
              .repartition(parts, functions.pmod(col(H_COL), lit(parts)))
              .sortWithinPartitions(col(H_COL), col(Columns.ID))
              .drop(H_COL)
              .persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(emb);
      emb.count();
      timer.lap("embed");

      // 2. k-means, then one exact Lloyd step
      KMeansModel model =
          new KMeans()
              .setK(k)
              .setSeed(p.seed())
              .setMaxIter(p.iterations())
              .setInitMode("k-means||")
              .setFeaturesCol(FEATURES)
              .fit(emb);
      Vector[] rough = model.clusterCenters();
      double[][] centers = exactCentroids(jsc, emb, rough);
      timer.lap("kmeans");
      Broadcast<double[][]> cb = jsc.broadcast(centers);
      Dataset<Row> assigned =
          emb.withColumn(
                  A_COL,
                  functions
                      .udf(
                          (org.apache.spark.sql.api.java.UDF1<Vector, Row>)
                              v -> nearestCenter(cb.value(), v),
                          new StructType()
                              .add(CLUSTER, DataTypes.IntegerType, false)
                              .add(DIST, DataTypes.DoubleType, false))
                      .apply(col(FEATURES)))
              .select(col(Columns.ID), col(FEATURES), col(A_COL + ".*"));

      // 3. the moderate band of each cluster
      long[] sizes = new long[centers.length];
      for (Row r : assigned.groupBy(CLUSTER).count().collectAsList()) {
        sizes[r.getInt(0)] = r.getLong(1);
      }
      long[] quotas = CoresetPlan.quotas(sizes, m);
      Broadcast<long[]> sb = jsc.broadcast(sizes);
      Broadcast<long[]> qb = jsc.broadcast(quotas);
      double lo = p.bandLow();
      double hi = p.bandHigh();
      Dataset<Row> selected =
          assigned
              .withColumn(
                  RANK_COL,
                  functions
                      .row_number()
                      .over(Window.partitionBy(CLUSTER).orderBy(col(DIST), col(Columns.ID)))
                      .minus(1))
              .withColumn(
                  IS_CORESET,
                  functions
                      .udf(
                          (org.apache.spark.sql.api.java.UDF2<Integer, Integer, Boolean>)
                              (c, rank) ->
                                  CoresetPlan.selected(rank, sb.value()[c], qb.value()[c], lo, hi),
                          DataTypes.BooleanType)
                      .apply(col(CLUSTER), col(RANK_COL)))
              .drop(RANK_COL)
              .persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(selected);
      long size = selected.filter(col(IS_CORESET)).count();
      int used = 0;
      for (long s : sizes) {
        used += s > 0 ? 1 : 0;
      }
      stats.put("clusters_used", used);
      stats.put("coreset_size", size);
      stats.put(
          "covered_clusters", selected.filter(col(IS_CORESET)).select(CLUSTER).distinct().count());
      timer.lap("select");

      // 4. self-influence of the coreset only
      Map<String, Object> si = new LinkedHashMap<>();
      Dataset<Row> coresetDocs =
          base.join(selected.filter(col(IS_CORESET)).select(Columns.ID), Columns.ID, "left_semi");
      InfluenceParams ip = p.influence();
      String phaseCol = p.phase() == 1 ? InfluenceStage.W1 : InfluenceStage.W2;
      Dataset<Row> scored =
          InfluenceStage.scoreRaw(spark, coresetDocs, ip, checkpoints, path + "_raw", si);
      Dataset<Row> coresetWeights =
          InfluenceStage.weights(scored, ip, size, si)
              .select(col(Columns.ID), col(InfluenceStage.SI).as(SI), col(phaseCol).as(W_COL));
      Map<String, Row> members = new HashMap<>();
      for (Row r : coresetWeights.collectAsList()) {
        members.put(r.getString(0), r);
      }
      double coreSeconds = timer.lap("score_coreset").lastLap();
      si.remove(InfluenceStage.SI);
      stats.put("influence", si);

      // 5. nearest coreset member within the cluster
      Map<Integer, List<Object[]>> byCluster = new HashMap<>();
      for (Row r :
          selected
              .filter(col(IS_CORESET))
              .select(Columns.ID, CLUSTER, FEATURES)
              .orderBy(Columns.ID)
              .collectAsList()) {
        Row w = members.get(r.getString(0));
        byCluster
            .computeIfAbsent(r.getInt(1), c -> new ArrayList<>())
            .add(new Object[] {r.getString(0), r.get(2), w.getDouble(2)});
      }
      Broadcast<Map<Integer, List<Object[]>>> mb = jsc.broadcast(byCluster);
      StructType outSchema = PROPAGATED.add(W_COL, DataTypes.DoubleType, false);
      Dataset<Row> propagated =
          selected
              .select(Columns.ID, CLUSTER, IS_CORESET, FEATURES)
              .mapPartitions(
                  (org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>)
                      rows -> propagate(rows, mb.value()),
                  Encoders.row(outSchema));
      Dataset<Row> withSi =
          propagated.join(coresetWeights.select(Columns.ID, SI), Columns.ID, "left");
      double mean = SparkStats.exactMean(withSi, W_COL);
      withSi
          .withColumn(WEIGHT, col(W_COL).divide(mean))
          .select(Columns.ID, CLUSTER, IS_CORESET, NN_ID, NN_DISTANCE, SI, WEIGHT)
          .write()
          .option("compression", "zstd")
          .parquet(path);
      InfluenceStage.delete(spark, path + "_raw");
      Dataset<Row> written = spark.read().parquet(path);
      stats.put(WEIGHT, SparkStats.summary(written, WEIGHT));
      stats.put(NN_DISTANCE, SparkStats.summary(written, NN_DISTANCE));
      double stageSeconds = timer.lap("propagate").elapsed();

      // 6. fidelity on a seeded sample scored in full
      if (p.validationDocs() > 0) {
        stats.put(
            "validation",
            validate(
                spark, base, written, p, checkpoints, path + "_val", stageSeconds, coreSeconds, n));
        timer.lap("validate");
      }
      timer.into(stats);
      return StageStats.of(n, stats);
    } finally {
      persisted.forEach(Dataset::unpersist);
    }
  }

  /** Hashed n-gram TF-IDF vectors: document frequencies per bucket, then idf-weighted counts. */
  static Dataset<Row> hashed(
      SparkSession spark, JavaSparkContext jsc, Dataset<Row> base, CoresetParams p, long n) {
    Tokenizer tok = p.influence().tokenizer();
    int dim = p.hashedDim();
    int order = p.hashedOrder();
    long[] df =
        base.select(Columns.TEXT)
            .javaRDD()
            .map(r -> HashedEmbedding.counts(tok.tokenIds(r.getString(0)), dim, order)[0])
            .aggregate(
                new long[dim],
                (acc, idx) -> {
                  for (int i : idx) {
                    acc[i]++;
                  }
                  return acc;
                },
                (a, b) -> {
                  for (int i = 0; i < a.length; i++) {
                    a[i] += b[i];
                  }
                  return a;
                });
    Broadcast<double[]> idf = jsc.broadcast(HashedEmbedding.idf(df, n));
    return base.select(
        col(Columns.ID),
        functions
            .udf(
                (org.apache.spark.sql.api.java.UDF1<String, Vector>)
                    t -> {
                      int[][] c = HashedEmbedding.counts(tok.tokenIds(t), dim, order);
                      return Vectors.sparse(dim, c[0], HashedEmbedding.values(c, idf.value()));
                    },
                SQLDataTypes.VectorType())
            .apply(col(Columns.TEXT))
            .as(FEATURES));
  }

  /**
   * One Lloyd step from MLlib's centers with sums in fixed point (exact, so independent of the
   * order in which partitions are merged); centers that get no point are dropped.
   */
  static double[][] exactCentroids(JavaSparkContext jsc, Dataset<Row> emb, Vector[] rough) {
    double[][] start = new double[rough.length][];
    for (int i = 0; i < rough.length; i++) {
      start[i] = rough[i].toArray();
      for (int j = 0; j < start[i].length; j++) {
        start[i][j] = (float) start[i][j];
      }
    }
    Broadcast<double[][]> sb = jsc.broadcast(start);
    List<Tuple2<Integer, long[]>> sums =
        emb.select(FEATURES)
            .javaRDD()
            .mapToPair(
                r -> {
                  Vector v = r.getAs(0);
                  int c = nearestCenter(sb.value(), v).getInt(0);
                  long[] acc = new long[v.size() + 1];
                  forEachActive(v, (i, x) -> acc[i] = Math.round(x * FIXED));
                  acc[v.size()] = 1;
                  return new Tuple2<>(c, acc);
                })
            .reduceByKey(
                (a, b) -> {
                  for (int i = 0; i < a.length; i++) {
                    a[i] += b[i];
                  }
                  return a;
                })
            .collect();
    List<Tuple2<Integer, long[]>> sorted = new ArrayList<>(sums);
    sorted.sort(java.util.Comparator.comparingInt(Tuple2::_1));
    double[][] out = new double[sorted.size()][];
    for (int i = 0; i < out.length; i++) {
      long[] a = sorted.get(i)._2();
      long count = a[a.length - 1];
      out[i] = new double[a.length - 1];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = (float) (a[j] / FIXED / count);
      }
    }
    return out;
  }

  /** (cluster, squared distance rounded to float) of the nearest center; ties → lower index. */
  static Row nearestCenter(double[][] centers, Vector v) {
    int best = 0;
    double bestD = Double.POSITIVE_INFINITY;
    for (int c = 0; c < centers.length; c++) {
      double d = sqdist(v, centers[c]);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return RowFactory.create(best, (double) (float) bestD);
  }

  static double sqdist(Vector v, double[] c) {
    double[] d = {0};
    double cc = 0;
    for (double x : c) {
      cc += x * x;
    }
    double[] dot = {0};
    forEachActive(
        v,
        (i, x) -> {
          dot[0] += x * c[i];
          d[0] += x * x;
        });
    return Math.max(0, d[0] - 2 * dot[0] + cc);
  }

  interface IndexValue {
    void accept(int i, double x);
  }

  /** The stored entries of a sparse or dense vector, in index order. */
  static void forEachActive(Vector v, IndexValue f) {
    if (v instanceof org.apache.spark.ml.linalg.SparseVector sv) {
      int[] idx = sv.indices();
      double[] val = sv.values();
      for (int i = 0; i < idx.length; i++) {
        f.accept(idx[i], val[i]);
      }
    } else {
      double[] val = v.toArray();
      for (int i = 0; i < val.length; i++) {
        f.accept(i, val[i]);
      }
    }
  }

  /** Nearest coreset member of the same cluster (members sorted by id; ties → smaller id). */
  static Iterator<Row> propagate(Iterator<Row> rows, Map<Integer, List<Object[]>> members) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row r = rows.next();
        String id = r.getString(0);
        int cluster = r.getInt(1);
        Vector v = r.getAs(3);
        Object[] best = null;
        double bestD = Double.POSITIVE_INFINITY;
        for (Object[] m : members.get(cluster)) {
          if (r.getBoolean(2) ? !m[0].equals(id) : false) {
            continue; // a member is its own nearest member, even beside an identical one
          }
          double d = r.getBoolean(2) ? 0 : Vectors.sqdist(v, (Vector) m[1]);
          if (d < bestD) {
            bestD = d;
            best = m;
          }
        }
        return RowFactory.create(
            id, cluster, r.getBoolean(2), best[0], (double) (float) bestD, best[2]);
      }
    };
  }

  /**
   * Scores a seeded sample of non-coreset documents in full and compares: Spearman of their
   * propagated weights with their true weights (the phase's temperature × self-influence, whose
   * ranks the true PRESENCE weight has), and the coreset stage time with the estimated time to
   * score every document.
   */
  static Map<String, Object> validate(
      SparkSession spark,
      Dataset<Row> base,
      Dataset<Row> written,
      CoresetParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String valPath,
      double stageSeconds,
      double coresetScoringSeconds,
      long n) {
    Dataset<Row> sample =
        base.join(
                written.filter(col(IS_CORESET).equalTo(false)).select(Columns.ID),
                Columns.ID,
                "left_semi")
            .withColumn(H_COL, SparkStats.seededHash(p.seed() ^ 0x5EED, Columns.ID))
            .orderBy(col(H_COL), col(Columns.ID))
            .limit(p.validationDocs())
            .select(Columns.ID, Columns.TEXT);
    long t0 = System.nanoTime();
    Dataset<Row> truth =
        InfluenceStage.scoreRaw(
            spark, sample, p.influence(), checkpoints, valPath, new HashMap<>());
    List<Row> pairs =
        truth
            .join(written.select(Columns.ID, WEIGHT), Columns.ID)
            .orderBy(Columns.ID)
            .collectAsList();
    double seconds = (System.nanoTime() - t0) / 1e9;
    InfluenceStage.delete(spark, valPath);
    double tau = p.phase() == 1 ? p.influence().tau1() : p.influence().tau2();
    double[] propagated = new double[pairs.size()];
    double[] exact = new double[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      Row r = pairs.get(i);
      exact[i] = tau * r.getDouble(r.fieldIndex(InfluenceStage.SI));
      propagated[i] = r.getDouble(r.fieldIndex(WEIGHT));
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("docs", pairs.size());
    v.put("spearman", pairs.size() < 2 ? null : RankCorrelation.spearman(propagated, exact));
    v.put("seconds", Math.round(seconds * 1000) / 1000.0);
    double full = pairs.isEmpty() ? 0 : seconds / pairs.size() * n;
    v.put("full_scoring_seconds_estimate", Math.round(full * 1000) / 1000.0);
    v.put("coreset_stage_seconds", Math.round(stageSeconds * 1000) / 1000.0);
    v.put("coreset_scoring_seconds", Math.round(coresetScoringSeconds * 1000) / 1000.0);
    v.put("time_ratio", full == 0 ? null : stageSeconds / full);
    return v;
  }

  private static void emptyTable(SparkSession spark, String path) {
    StructType schema =
        PROPAGATED.add(SI, DataTypes.DoubleType, true).add(WEIGHT, DataTypes.DoubleType, false);
    spark.createDataFrame(List.of(), schema).write().parquet(path);
  }
}
