package io.reweigh.dedup;

import java.io.Serializable;

/**
 * Modified Kneser-Ney discounts of one order (Chen &amp; Goodman 1998, eq. 26): from the numbers
 * n1..n4 of n-grams whose (adjusted) count is 1..4, Y = n1/(n1+2·n2), D1 = 1−2Y·n2/n1, D2 =
 * 2−3Y·n3/n2, D3+ = 3−4Y·n4/n3. When a count-of-counts is zero (tiny corpora) or a discount falls
 * outside (0, c], that discount falls back to Y (absolute discounting), clamped to (0, c].
 */
public record Discounts(double d1, double d2, double d3) implements Serializable {

  public static Discounts fromCountsOfCounts(long n1, long n2, long n3, long n4) {
    double y = n1 > 0 && n2 > 0 ? (double) n1 / (n1 + 2.0 * n2) : 0.5;
    double d1 = n1 > 0 ? 1 - 2 * y * n2 / n1 : Double.NaN;
    double d2 = n2 > 0 ? 2 - 3 * y * n3 / n2 : Double.NaN;
    double d3 = n3 > 0 ? 3 - 4 * y * n4 / n3 : Double.NaN;
    return new Discounts(fix(d1, y, 1), fix(d2, y, 2), fix(d3, y, 3));
  }

  private static double fix(double d, double y, double max) {
    if (Double.isFinite(d) && d > 0 && d <= max) {
      return d;
    }
    return Math.min(Math.max(y, 1e-3), max);
  }

  /** The discount for an n-gram of (adjusted) count a ≥ 1. */
  public double of(long a) {
    return a == 1 ? d1 : (a == 2 ? d2 : d3);
  }
}
