package io.reweigh.dedup;

import java.io.Serializable;

/**
 * A document's score under an n-gram LM: log_prob = Σ_t ln P(w_t | history) over its T positions
 * (tokens + {@code </s>}), and commonness = exp(log_prob / T), the per-token geometric mean
 * probability (docs/softdedup.md).
 *
 * <p>Per-token log-probabilities are summed in fixed point (2^-32 units, {@link #toFixed}) so the
 * sum is exact and the same in any order: a distributed sum gives the same bits as a local one.
 */
public record DocScore(long logProbFixed, int positions) implements Serializable {

  public static final double SCALE = 4294967296.0; // 2^32

  public static long toFixed(double logProb) {
    return Math.round(logProb * SCALE);
  }

  public static double fromFixed(long fixed) {
    return fixed / SCALE;
  }

  public double logProb() {
    return fromFixed(logProbFixed);
  }

  public double commonness() {
    return commonness(logProbFixed, positions);
  }

  public static double commonness(long logProbFixed, long positions) {
    return StrictMath.exp(fromFixed(logProbFixed) / positions);
  }
}
