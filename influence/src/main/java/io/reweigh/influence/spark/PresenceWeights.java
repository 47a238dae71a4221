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
import io.reweigh.influence.InfluenceDetails;
import io.reweigh.influence.InfluenceParams;
import java.util.List;
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
  public static Weighted weighted(Dataset<Row> si, InfluenceParams p, long n) {
    if (n == 0) {
      return new Weighted(
          si.withColumn(W1, lit(1.0)).withColumn(W2, lit(1.0)).withColumn(DROPPED, lit(false)),
          null);
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
    return new Weighted(
        w.withColumn(W1, col(RAW_W1).divide(m1)).withColumn(W2, col(RAW_W2).divide(m2)),
        new InfluenceDetails.Presence(mean, sd, List.of(b[0], b[1])));
  }

  /** The weighted table, and the corpus statistics it used (null without documents). */
  public record Weighted(Dataset<Row> table, InfluenceDetails.Presence presence) {}

  /**
   * {@link #weighted} with the statistics put into {@code s} under their JSON names, for the
   * coreset stage, whose details are still a map.
   */
  public static Dataset<Row> weights(
      Dataset<Row> si, InfluenceParams p, long n, Map<String, Object> s) {
    Weighted w = weighted(si, p, n);
    if (w.presence() != null) {
      s.put("si_mean", w.presence().siMean());
      s.put("si_sd", w.presence().siSd());
      s.put("z_clip", new double[] {w.presence().zClip().get(0), w.presence().zClip().get(1)});
    }
    return w.table();
  }
}
