package io.reweigh.influence.spark;

import static io.reweigh.influence.InfluenceSignal.DROPPED;
import static io.reweigh.influence.InfluenceSignal.SI;
import static io.reweigh.influence.InfluenceSignal.W1;
import static io.reweigh.influence.InfluenceSignal.W2;
import static io.reweigh.influence.spark.ScratchColumns.DEVIATION2;
import static io.reweigh.influence.spark.ScratchColumns.RANK;
import static io.reweigh.influence.spark.ScratchColumns.RAW_W1;
import static io.reweigh.influence.spark.ScratchColumns.RAW_W2;
import static io.reweigh.influence.spark.ScratchColumns.Z;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.influence.InfluenceParams;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * PRESENCE weights from self-influence scores (docs/influence.md), for the influence stage (every
 * document) and the coreset stage (its coreset).
 */
public final class PresenceWeights {
  private PresenceWeights() {}

  /**
   * z = (SI − mean)/sqrt(var + ε) with exact corpus statistics; z clipped to its [clip-low,
   * clip-high] quantiles (the same as clipping exp(τz) at its quantiles, for either sign of τ); w_k
   * = exp(τ_k z) normalised to mean 1; the top drop-top-fraction by SI marked dropped.
   */
  public static Dataset<Row> weights(
      Dataset<Row> si, InfluenceParams p, long n, Map<String, Object> s) {
    if (n == 0) {
      return si.withColumn(W1, lit(1.0)).withColumn(W2, lit(1.0)).withColumn(DROPPED, lit(false));
    }
    double mean = SparkStats.exactMean(si, SI);
    double var =
        SparkStats.exactMean(
            si.withColumn(DEVIATION2, functions.pow(col(SI).minus(mean), 2)), DEVIATION2);
    double sd = Math.sqrt(var + 1e-12);
    Dataset<Row> z = si.withColumn(Z, col(SI).minus(mean).divide(sd));
    Dataset<Row> ranked = SparkStats.withRank(z, SI, Columns.ID, RANK);
    double[] b = SparkStats.clipBounds(z, Z, Columns.ID, n, p.clipLow(), p.clipHigh());
    long keep = n - (long) Math.floor(p.dropTopFraction() * n);
    Column zc = functions.least(functions.greatest(col(Z), lit(b[0])), lit(b[1]));
    Dataset<Row> w =
        ranked
            .withColumn(RAW_W1, functions.exp(zc.multiply(p.tau1())))
            .withColumn(RAW_W2, functions.exp(zc.multiply(p.tau2())))
            .withColumn(DROPPED, col(RANK).geq(keep));
    double m1 = SparkStats.exactMean(w, RAW_W1);
    double m2 = SparkStats.exactMean(w, RAW_W2);
    s.put("si_mean", mean);
    s.put("si_sd", sd);
    s.put("z_clip", b);
    return w.withColumn(W1, col(RAW_W1).divide(m1)).withColumn(W2, col(RAW_W2).divide(m2));
  }
}
