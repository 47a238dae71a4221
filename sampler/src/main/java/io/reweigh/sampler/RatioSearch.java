package io.reweigh.sampler;

import java.util.function.DoubleToLongFunction;

/**
 * Finds the resampling ratio r whose realised token total (Σ copies_i(r) · tokens_i, systematic
 * sampling) is within a tolerance of the target. The first guess r₀ = target / Σ w·t is usually
 * already within 0.5% on a corpus of thousands of documents; when it is not (few, long documents),
 * a bracketed secant search refines it: realised(r) grows with r up to the rounding of whole
 * documents, so every try either raises the lower or lowers the upper end of the bracket.
 */
public final class RatioSearch {
  private RatioSearch() {}

  /** The chosen ratio, the tokens it realises and how many evaluations it took. */
  public record Result(double ratio, long tokens, int evaluations, boolean withinTolerance) {}

  /**
   * @param realised r → realised token total (one distributed pass per call)
   * @param target target tokens (> 0)
   * @param r0 first guess (> 0)
   * @param tolerance relative, e.g. 0.005
   * @param maxEvaluations at most this many calls of {@code realised}
   */
  public static Result solve(
      DoubleToLongFunction realised, long target, double r0, double tolerance, int maxEvaluations) {
    if (target <= 0 || !(r0 > 0)) {
      throw new IllegalArgumentException("target > 0 and r0 > 0 required");
    }
    double lo = 0;
    long loTokens = 0;
    double hi = Double.POSITIVE_INFINITY;
    double bestR = r0;
    long best = Long.MIN_VALUE;
    double r = r0;
    int evals = 0;
    while (evals < maxEvaluations) {
      long t = realised.applyAsLong(r);
      evals++;
      if (best == Long.MIN_VALUE || Math.abs(t - target) < Math.abs(best - target)) {
        best = t;
        bestR = r;
      }
      if (Math.abs(t - target) <= tolerance * target) {
        return new Result(r, t, evals, true);
      }
      if (t < target) {
        lo = r;
        loTokens = t;
      } else {
        hi = r;
      }
      // secant step through the origin (tokens ∝ r), kept strictly inside the bracket
      double next = t > 0 ? r * target / t : r * 2;
      if (Double.isFinite(hi) && lo > 0 && loTokens >= 0) {
        if (!(next > lo && next < hi)) {
          next = (lo + hi) / 2;
        }
      } else if (Double.isFinite(hi) && !(next < hi)) {
        next = hi / 2;
      } else if (!(next > lo)) {
        next = lo * 2;
      }
      if (next == r) {
        break;
      }
      r = next;
    }
    return new Result(bestR, best, evals, Math.abs(best - target) <= tolerance * target);
  }
}
