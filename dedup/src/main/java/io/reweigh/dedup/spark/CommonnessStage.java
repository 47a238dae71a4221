package io.reweigh.dedup.spark;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.core.weights.WeightMath;
import io.reweigh.dedup.CommonnessDetails;
import io.reweigh.dedup.CommonnessParams;
import io.reweigh.dedup.CommonnessSignal;
import io.reweigh.dedup.Weighting;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The commonness stage (SoftDedup, He et al. 2024): scores every usable document with an n-gram LM
 * trained on the corpus itself and turns commonness into weight_commonness. Output columns: id,
 * n_tokens, log_prob, commonness, weight_commonness.
 */
public final class CommonnessStage {
  private CommonnessStage() {}

  /** Computes the score table and writes it (Parquet, zstd) to {@code path}; returns stats. */
  public static StageStats run(
      SparkSession spark, Dataset<Row> docs, CommonnessParams p, String path) {
    CommonnessDetails.Collector stats = new CommonnessDetails.Collector();
    Timer timer = new Timer();
    Dataset<Row> input = docs.select(Columns.ID, Columns.TEXT);
    Dataset<Row> scores =
        p.mode().equals("sketch")
            ? SketchCommonness.score(spark, input, p, stats, timer)
            : ExactCommonness.score(spark, input, p, stats, timer);
    try {
      long n = scores.count();
      long expected = docs.count();
      if (n != expected) {
        throw new IllegalStateException(
            "commonness scored " + n + " documents of " + expected + " (lost rows)");
      }
      Dataset<Row> weighted = weights(scores, p, n, stats);
      timer.lap("weights");
      weighted
          .select(
              Columns.ID,
              Columns.N_TOKENS,
              CommonnessSignal.LOG_PROB,
              CommonnessSignal.COMMONNESS,
              CommonnessSignal.WEIGHT)
          .write()
          .option("compression", "zstd")
          .parquet(path);
      timer.lap("write");
      Dataset<Row> written = spark.read().parquet(path);
      Map<String, Map<String, Double>> summaries =
          SparkStats.summaries(written, CommonnessSignal.COMMONNESS, CommonnessSignal.WEIGHT);
      timer.lap("summary");
      return StageStats.of(
          n,
          stats.details(
              p.mode(),
              p.order(),
              summaries.get(CommonnessSignal.COMMONNESS),
              summaries.get(CommonnessSignal.WEIGHT),
              timer.timings()));
    } finally {
      scores.unpersist();
    }
  }

  /**
   * Commonness → weight_commonness: segmented or inverse, clipped by quantiles, mean 1.
   *
   * <p>Segmented: one global sort ranks the documents, one aggregate gives each segment's count and
   * exact commonness sum; the raw weight is constant within a segment, so the clip bounds (values
   * at quantile ranks of the raw weights) and the exact mean of the clipped weights follow from the
   * k (weight, count) pairs on the driver ({@link WeightMath#valueAtRank}, {@link
   * SparkStats#exactMeanOfGroups}), with the same bits as a sort and a pass over the rows
   * (CommonnessStageTest). Inverse: a sort for the clip bounds and a pass for the mean.
   */
  static Dataset<Row> weights(
      Dataset<Row> scores, CommonnessParams p, long n, CommonnessDetails.Collector stats) {
    double[] bounds;
    double mean;
    Dataset<Row> withRaw;
    if (p.weighting().equals("segmented")) {
      int k = (int) Math.min(p.segments(), n);
      Dataset<Row> ranked =
          SparkStats.withRank(scores, CommonnessSignal.COMMONNESS, Columns.ID, "_r");
      Dataset<Row> base =
          ranked.withColumn(
              "_seg",
              functions.expr(
                  "cast(least(" + (k - 1) + ", (_r * " + k + ") div " + n + ") as int)"));
      double[] means = new double[k];
      long[] counts = new long[k];
      for (Row r :
          base.groupBy("_seg")
              .agg(
                  functions.sum(
                      col(CommonnessSignal.COMMONNESS).cast(DataTypes.createDecimalType(38, 18))),
                  functions.count(functions.lit(1)))
              .collectAsList()) {
        means[r.getInt(0)] = r.getDecimal(1).doubleValue() / r.getLong(2);
        counts[r.getInt(0)] = r.getLong(2);
      }
      double[] w = Weighting.segmentWeights(means);
      Column c = functions.lit(w[k - 1]);
      for (int i = k - 2; i >= 0; i--) {
        c = functions.when(col("_seg").equalTo(i), functions.lit(w[i])).otherwise(c);
      }
      withRaw = base.withColumn("_w", c);
      bounds =
          new double[] {
            WeightMath.valueAtRank(w, counts, WeightMath.quantileRank(p.clipLow(), n)),
            WeightMath.valueAtRank(w, counts, WeightMath.quantileRank(p.clipHigh(), n))
          };
      double[] clipped = new double[k];
      for (int i = 0; i < k; i++) {
        // as Spark's least(greatest(w, lo), hi) below
        clipped[i] = WeightMath.clip(w[i], bounds[0], bounds[1]);
      }
      mean = SparkStats.exactMeanOfGroups(clipped, counts);
      stats.segmentMeanCommonness = java.util.Arrays.stream(means).boxed().toList();
    } else {
      withRaw =
          scores.withColumn(
              "_w",
              functions
                  .udf(
                      (org.apache.spark.sql.api.java.UDF1<Double, Double>) WeightMath::inverse,
                      DataTypes.DoubleType)
                  .apply(col(CommonnessSignal.COMMONNESS)));
      bounds = SparkStats.clipBounds(withRaw, "_w", Columns.ID, n, p.clipLow(), p.clipHigh());
      mean = SparkStats.exactMean(clipped(withRaw, bounds), "_wc");
    }
    stats.clipLow = bounds[0];
    stats.clipHigh = bounds[1];
    return clipped(withRaw, bounds).withColumn(CommonnessSignal.WEIGHT, col("_wc").divide(mean));
  }

  private static Dataset<Row> clipped(Dataset<Row> withRaw, double[] bounds) {
    return withRaw.withColumn(
        "_wc",
        functions.least(
            functions.greatest(col("_w"), functions.lit(bounds[0])), functions.lit(bounds[1])));
  }
}
