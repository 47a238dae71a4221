package io.reweigh.influence.coreset.spark;

import static io.reweigh.influence.coreset.CoresetSignal.CLUSTER;
import static io.reweigh.influence.coreset.CoresetSignal.NN_DISTANCE;
import static io.reweigh.influence.coreset.CoresetSignal.SI;
import static io.reweigh.influence.coreset.CoresetSignal.WEIGHT;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.influence.coreset.CoresetParams;
import io.reweigh.influence.coreset.CoresetPlan;
import io.reweigh.influence.spark.ProxyModelStage;
import io.reweigh.influence.spark.SelfInfluenceScoring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The coreset stage ("The Power of Few", Jafari et al., ICASSP 2024; docs/coreset.md), one class
 * per step:
 *
 * <ol>
 *   <li>embed every document (hashed n-gram TF-IDF, or mean-pooled proxy-LM hidden states): {@link
 *       CoresetEmbedding};
 *   <li>k-means (Spark MLlib, k-means||, seeded) on a partitioning fixed by the data, then one
 *       exact Lloyd step with fixed-point sums, so the centroids do not depend on executors: {@link
 *       Clustering};
 *   <li>per cluster, the moderate band of centroid distances gives the coreset: {@link
 *       CoresetSelection} ({@link CoresetPlan});
 *   <li>self-influence of the coreset only, with the proxy LM of the proxy-model stage, turned into
 *       PRESENCE weights: {@link CoresetScoring};
 *   <li>every document takes the weight of its nearest coreset member in its cluster (exact, the
 *       cluster's members broadcast; no all-pairs join), normalised to mean 1: {@link
 *       PropagationJob};
 *   <li>fidelity: a seeded sample of non-coreset documents scored in full, Spearman of propagated
 *       vs true weights, and the full-scoring time that the coreset saved: {@link FidelityCheck}.
 * </ol>
 *
 * Output: id, cluster, is_coreset, nn_id, nn_distance, self_influence (coreset members only),
 * weight_coreset.
 */
public final class CoresetStage {
  private CoresetStage() {}

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
    CoresetPlan.checkClusters(k, n, m);
    JavaSparkContext jsc = new JavaSparkContext(spark.sparkContext());
    List<Dataset<Row>> persisted = new ArrayList<>();
    try {
      Dataset<Row> emb =
          CoresetEmbedding.embed(spark, jsc, base, p, checkpoints, n)
              .persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(emb);
      emb.count();
      timer.lap("embed");

      double[][] centers = Clustering.centers(jsc, emb, p, k);
      timer.lap("kmeans");
      Dataset<Row> assigned = Clustering.assign(jsc, emb, centers);

      CoresetSelection selection = CoresetSelection.select(jsc, assigned, centers.length, m, p);
      persisted.add(selection.rows());
      long size = selection.members().count();
      stats.put("clusters_used", selection.clustersUsed());
      stats.put("coreset_size", size);
      stats.put("covered_clusters", selection.members().select(CLUSTER).distinct().count());
      timer.lap("select");

      Map<String, Object> si = new LinkedHashMap<>();
      String raw = SelfInfluenceScoring.rawPath(path);
      CoresetScoring scores =
          CoresetScoring.score(spark, base, selection, size, p, checkpoints, raw, si);
      double coreSeconds = timer.lap("score_coreset").lastLap();
      stats.put("influence", si);

      PropagationJob.table(jsc, selection, scores)
          .write()
          .option("compression", "zstd")
          .parquet(path);
      SelfInfluenceScoring.delete(spark, raw);
      Dataset<Row> written = spark.read().parquet(path);
      stats.put(WEIGHT, SparkStats.summary(written, WEIGHT));
      stats.put(NN_DISTANCE, SparkStats.summary(written, NN_DISTANCE));
      double stageSeconds = timer.lap("propagate").elapsed();

      if (p.validationDocs() > 0) {
        stats.put(
            "validation",
            FidelityCheck.check(
                    spark, base, written, p, checkpoints, path, stageSeconds, coreSeconds, n)
                .toStats());
        timer.lap("validate");
      }
      timer.into(stats);
      return StageStats.of(n, stats);
    } finally {
      persisted.forEach(Dataset::unpersist);
    }
  }

  private static void emptyTable(SparkSession spark, String path) {
    StructType schema =
        PropagationJob.PROPAGATED
            .add(SI, DataTypes.DoubleType, true)
            .add(WEIGHT, DataTypes.DoubleType, false);
    spark.createDataFrame(List.of(), schema).write().parquet(path);
  }
}
