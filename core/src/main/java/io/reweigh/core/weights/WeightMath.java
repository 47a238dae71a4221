package io.reweigh.core.weights;

/**
 * Pure weight arithmetic shared by every signal (docs/trainers.md): rank-based quantiles and
 * segments, clipping, and the clip window of the sampler's max/min ratio. Ranks are 0-based
 * positions in the total order (value, id), which makes every result independent of how data is
 * partitioned.
 */
public final class WeightMath {
  private WeightMath() {}

  /** 0-based rank of the q-quantile among n sorted values (lower nearest rank). */
  public static long quantileRank(double q, long n) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be > 0");
    }
    if (q < 0 || q > 1) {
      throw new IllegalArgumentException("q must be in [0, 1]: " + q);
    }
    return (long) Math.floor(q * (n - 1));
  }

  /** Segment (0..k-1) of the document at 0-based rank among n, for k equal-count segments. */
  public static int segmentOf(long rank, long n, int k) {
    if (rank < 0 || rank >= n) {
      throw new IllegalArgumentException("rank " + rank + " outside [0, " + n + ")");
    }
    return (int) Math.min(k - 1, (rank * k) / n);
  }

  /**
   * The value at 0-based {@code rank} of rows ordered by value, where {@code counts[i]} rows hold
   * {@code values[i]} (groups in any order, equal values allowed): what a global sort of the rows
   * would give, from the groups alone. The sort's tie-break (the id) cannot change a value.
   */
  public static double valueAtRank(double[] values, long[] counts, long rank) {
    if (values.length != counts.length) {
      throw new IllegalArgumentException("values and counts differ in length");
    }
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    long before = 0;
    for (int i : order) {
      before += counts[i];
      if (rank < before) {
        return values[i];
      }
    }
    throw new IllegalArgumentException("rank " + rank + " outside [0, " + before + ")");
  }

  public static double clip(double x, double lo, double hi) {
    return x < lo ? lo : (x > hi ? hi : x);
  }

  /**
   * Bounds [lo, hi] centred (geometrically) on the median so that hi / lo = ratio: the window the
   * sampler clips final weights to.
   */
  public static double[] ratioWindow(double median, double ratio) {
    if (!(median > 0) || !(ratio >= 1)) {
      throw new IllegalArgumentException("median > 0 and ratio ≥ 1 required");
    }
    double s = Math.sqrt(ratio);
    return new double[] {median / s, median * s};
  }

  /** Weight of a commonness value in inverse mode: 1 / c, guarded against c = 0. */
  public static double inverse(double commonness) {
    return 1.0 / Math.max(commonness, Double.MIN_NORMAL);
  }
}
