package io.reweigh.sampler;

import java.io.Serializable;
import java.util.List;

/**
 * The sampler's final weight of one document (docs/trainers.md), Spark-free: the product Π w_s^α_s
 * of its signals' weights, clipped to the window around the median ({@code
 * WeightMath.ratioWindow}), divided by the mean of the clipped weights; the domain factor ({@link
 * DomainTargets}) multiplies the result. The Spark sampler ({@code sampler.spark.Weighting}) runs
 * these methods row by row and {@code reweigh explain} replays them for one document, so both
 * compute the same bits. Doubles order as Spark SQL orders them: NaN above every number.
 */
public final class WeightFormula {
  private WeightFormula() {}

  /** One signal's exponent and the column holding its weight. */
  public record Term(String column, double alpha) implements Serializable {}

  /** {@code product} × w^α (null when either is null): one step of Π w_s^α_s, which starts at 1. */
  public static Double times(Double product, Double w, double alpha) {
    if (product == null || w == null) {
      return null;
    }
    return product * (alpha == 1.0 ? w : StrictMath.pow(w, alpha));
  }

  /** Π w_s^α_s over the terms, weights in the same order (null when a weight is null). */
  public static Double product(List<Term> terms, List<Double> weights) {
    Double p = 1.0;
    for (int i = 0; i < terms.size(); i++) {
      p = times(p, weights.get(i), terms.get(i).alpha());
    }
    return p;
  }

  /** Whether {@code raw} lies outside [lo, hi] (NaN is above hi). */
  public static boolean outside(double raw, double lo, double hi) {
    return above(lo, raw) || above(raw, hi);
  }

  /** {@code raw} clipped to [lo, hi] (NaN clips to hi). */
  public static double clip(double raw, double lo, double hi) {
    double up = above(lo, raw) ? lo : raw;
    return above(up, hi) ? hi : up;
  }

  /** The clipped weight divided by the mean of all clipped weights (the mean becomes 1). */
  public static double normalise(double clipped, double mean) {
    return clipped / mean;
  }

  /** a > b in Spark SQL's order of doubles, where NaN is above every number. */
  private static boolean above(double a, double b) {
    return Double.isNaN(a) ? !Double.isNaN(b) : a > b;
  }
}
