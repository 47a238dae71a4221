package io.reweigh.influence.coreset;

import java.util.List;

/**
 * The centroid arithmetic of the coreset's clustering (docs/coreset.md, step 2), without Spark:
 * nearest centroid with float-rounded squared distances, and one Lloyd step whose sums are fixed
 * point, so the result does not depend on the order in which partial sums are merged.
 */
public final class Centroids {
  private Centroids() {}

  /** Fixed-point scale of the exact centroid sums (embedding values lie in [-1, 1]). */
  public static final double FIXED = 0x1p32;

  /** One stored entry of a vector. */
  public interface IndexValue {
    void accept(int i, double x);
  }

  /** A sparse or dense vector as its stored entries, visited in index order. */
  public interface Entries {
    void forEachActive(IndexValue f);
  }

  /** A document's nearest centroid and its squared distance, rounded to float. */
  public record Nearest(int cluster, double distance) {}

  /** Centers rounded to float, the start of the exact Lloyd step. */
  public static double[][] rounded(double[][] centers) {
    double[][] out = new double[centers.length][];
    for (int i = 0; i < centers.length; i++) {
      out[i] = centers[i].clone();
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = (float) out[i][j];
      }
    }
    return out;
  }

  /** The nearest of {@code centers} to {@code v}; ties go to the lower index. */
  public static Nearest nearest(double[][] centers, Entries v) {
    int best = 0;
    double bestD = Double.POSITIVE_INFINITY;
    for (int c = 0; c < centers.length; c++) {
      double d = sqdist(v, centers[c]);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return new Nearest(best, (double) (float) bestD);
  }

  /** ‖v − c‖² as ‖v‖² − 2 v·c + ‖c‖² (v's stored entries only), at least 0. */
  public static double sqdist(Entries v, double[] c) {
    double[] d = {0};
    double cc = 0;
    for (double x : c) {
      cc += x * x;
    }
    double[] dot = {0};
    v.forEachActive(
        (i, x) -> {
          dot[0] += x * c[i];
          d[0] += x * x;
        });
    return Math.max(0, d[0] - 2 * dot[0] + cc);
  }

  /** A vector of {@code size} as fixed-point sums plus a count of 1 (the last slot). */
  public static long[] fixedPoint(int size, Entries v) {
    long[] acc = new long[size + 1];
    v.forEachActive((i, x) -> acc[i] = Math.round(x * FIXED));
    acc[size] = 1;
    return acc;
  }

  /** Adds {@code b} into {@code a} (exact: integer sums) and returns {@code a}. */
  public static long[] add(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  /** Centroids (rounded to float) from the fixed-point sums of {@link #fixedPoint}, in order. */
  public static double[][] fromSums(List<long[]> sums) {
    double[][] out = new double[sums.size()][];
    for (int i = 0; i < out.length; i++) {
      long[] a = sums.get(i);
      long count = a[a.length - 1];
      out[i] = new double[a.length - 1];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = (float) (a[j] / FIXED / count);
      }
    }
    return out;
  }
}
