package io.reweigh.influence.evaluate;

/**
 * Draw counts from common random numbers (docs/evaluation.md, "How windows are drawn"): a chunk's
 * number of copies is the inverse Poisson CDF at one uniform variate that depends on the seed and
 * the chunk, never on the arm. Two arms that give a chunk similar means therefore give it the same
 * count nearly always (the inverse CDF is monotone in the mean), so the arms' streams differ only
 * where their weights differ.
 */
public final class CommonDraws {
  private CommonDraws() {}

  /** Above this mean the CDF is summed outwards from the mode (e^−λ would underflow). */
  static final double FROM_MODE_ABOVE = 400;

  /** The uniform variate in (0, 1) of a 64-bit hash (its top 52 bits, never 0 or 1). */
  public static double uniform(long hash) {
    return ((hash >>> 12) + 0.5) * 0x1.0p-52;
  }

  /**
   * The smallest k with P(Poisson(λ) ≤ k) ≥ u: 0 when u ≤ e^−λ. Exact up to rounding, so monotone
   * in λ for a fixed u.
   */
  public static int poisson(double u, double lambda) {
    if (!(lambda > 0)) {
      return 0;
    }
    if (lambda > FROM_MODE_ABOVE) {
      return fromMode(u, lambda);
    }
    double p = Math.exp(-lambda);
    double cdf = p;
    int k = 0;
    while (cdf < u) {
      k++;
      p *= lambda / k;
      cdf += p;
      if (p == 0 && k > lambda) {
        break; // u within rounding of 1: the tail's mass is below double precision
      }
    }
    return k;
  }

  /** The same quantile for a large mean: P(≤ mode) summed downwards, then a walk from the mode. */
  static int fromMode(double u, double lambda) {
    int m = (int) Math.min(Integer.MAX_VALUE - 1, Math.floor(lambda));
    double pm = Math.exp(-lambda + m * Math.log(lambda) - logFactorial(m));
    double cdf = 0;
    double p = pm;
    for (int k = m; k >= 0 && p > pm * 1e-20; k--) {
      cdf += p;
      p *= k / lambda;
    }
    int k = m;
    double pk = pm;
    if (cdf >= u) {
      while (k > 0 && cdf - pk >= u) {
        cdf -= pk;
        pk *= k / lambda;
        k--;
      }
      return k;
    }
    while (cdf < u && pk > 0) {
      k++;
      pk *= lambda / k;
      cdf += pk;
    }
    return k;
  }

  /** ln m! by Stirling's series (m ≥ 400 here: error far below double precision). */
  static double logFactorial(int m) {
    double x = m;
    return x * Math.log(x)
        - x
        + 0.5 * Math.log(2 * Math.PI * x)
        + 1 / (12 * x)
        - 1 / (360 * x * x * x)
        + 1 / (1260 * x * x * x * x * x);
  }
}
