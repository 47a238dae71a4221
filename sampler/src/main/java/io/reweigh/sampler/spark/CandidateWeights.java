package io.reweigh.sampler.spark;

import io.reweigh.sampler.DomainTargets;
import io.reweigh.sampler.SamplerParams;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The sampler's final weight under other exponents and domain targets, on a table of scored
 * documents (id, domain, n_tokens and the signals' weight columns): what {@code reweigh tune} draws
 * its candidates by (docs/tuning.md). The same code as the sampler's ({@link Weighting}), so a
 * candidate's weights are the weights {@code reweigh run -c tuning/tuned.conf} writes.
 */
public final class CandidateWeights {
  private CandidateWeights() {}

  /**
   * {@code docs} with a {@code weight} column: Π w_s^α_s over {@code signals} (each with its column
   * and exponent), clipped to {@code maxWeightRatio} around the median, mean 1, then scaled per
   * domain to {@code targets} (null: none) as shares of Σ weight × tokens ({@code shareOfTokens})
   * or of Σ weight.
   */
  public static Dataset<Row> weigh(
      Dataset<Row> docs,
      long rows,
      List<SamplerParams.Signal> signals,
      double maxWeightRatio,
      DomainTargets targets,
      boolean shareOfTokens) {
    SamplerParams params =
        new SamplerParams(
            0, false, 0, maxWeightRatio, null, null, shareOfTokens, false, 0, signals);
    SamplerParams.ShardSet set = params.shardSets().get(0);
    Map<String, Object[]> missing = new HashMap<>();
    for (String c : Weighting.scoreColumns(params)) {
      missing.put(c, new Object[] {0L, null});
    }
    if (targets != null) {
      Weighting.requireDomains(docs);
    }
    return Weighting.weigh(docs, params, set, rows, targets, missing).rows();
  }
}
