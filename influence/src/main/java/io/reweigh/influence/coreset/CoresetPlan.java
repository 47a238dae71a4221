package io.reweigh.influence.coreset;

import io.reweigh.core.error.PipelineErrors;

/**
 * The arithmetic of coreset selection (CW-ERM's "moderate" rule, Jafari et al., ICASSP 2024),
 * without Spark: how many documents the coreset holds, how many clusters, how many members each
 * cluster gives, and which ranks (by distance to the centroid) those are.
 */
public final class CoresetPlan {
  private CoresetPlan() {}

  /** Coreset size for n documents: round(fraction · n), at least 1 when n &gt; 0, at most n. */
  public static long target(long n, double fraction) {
    if (n <= 0) {
      return 0;
    }
    return Math.max(1, Math.min(n, Math.round(fraction * n)));
  }

  /**
   * Clusters when coreset.clusters is 0: √m (m = coreset size), so that a cluster contributes about
   * √m members and clusters and members grow together; at least 1.
   */
  public static int autoClusters(long coresetSize) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(Math.sqrt(coresetSize))));
  }

  /**
   * Refuses a cluster count k that n usable documents, or a coreset of m members, cannot fill
   * (every cluster needs a member): an error naming coreset.clusters.
   */
  public static void checkClusters(int k, long n, long m) {
    if (k > n) {
      throw PipelineErrors.invalidValue(
          CoresetSignal.CLUSTERS.key(),
          k,
          null,
          "at most the number of usable documents (" + n + ")");
    }
    if (k > m) {
      throw PipelineErrors.invalidValue(
          CoresetSignal.CLUSTERS.key(),
          k,
          null,
          "at most the coreset size ("
              + m
              + " = coreset.fraction × "
              + n
              + " documents), so that every cluster has a member; raise coreset.fraction or"
              + " lower coreset.clusters");
    }
  }

  /**
   * Members per cluster: every non-empty cluster gets one, the rest of {@code m} is shared in
   * proportion to cluster size (largest remainder, ties to the lower cluster index), never more
   * than a cluster holds. Sums to min(m, Σ sizes) whenever m ≥ the number of non-empty clusters.
   */
  public static long[] quotas(long[] sizes, long m) {
    int k = sizes.length;
    long[] q = new long[k];
    long total = 0;
    int nonEmpty = 0;
    for (long s : sizes) {
      total += s;
      nonEmpty += s > 0 ? 1 : 0;
    }
    if (m < nonEmpty) {
      throw new IllegalArgumentException(
          m + " coreset documents cannot cover " + nonEmpty + " non-empty clusters");
    }
    m = Math.min(m, total);
    long rest = m - nonEmpty;
    long restCapacity = total - nonEmpty;
    double[] frac = new double[k];
    long given = 0;
    for (int c = 0; c < k; c++) {
      if (sizes[c] == 0) {
        continue;
      }
      double share = restCapacity == 0 ? 0 : (double) rest * (sizes[c] - 1) / restCapacity;
      long whole = (long) Math.floor(share);
      q[c] = 1 + whole;
      frac[c] = share - whole;
      given += whole;
    }
    for (long left = rest - given; left > 0; ) {
      int best = -1;
      for (int c = 0; c < k; c++) {
        if (q[c] < sizes[c] && (best < 0 || frac[c] > frac[best])) {
          best = c;
        }
      }
      q[best]++;
      frac[best] = -1;
      left--;
    }
    return q;
  }

  /**
   * Whether the member at 0-based {@code rank} (by distance to the centroid, then id) of a cluster
   * of {@code size} is in the coreset: {@code quota} ranks evenly spaced over the moderate band
   * [lo·size, hi·size); when the band holds fewer ranks than the quota, evenly over the whole
   * cluster.
   */
  public static boolean selected(long rank, long size, long quota, double lo, double hi) {
    if (quota <= 0 || rank < 0 || rank >= size) {
      return false;
    }
    long from = (long) Math.floor(lo * size);
    long to = Math.max(from + 1, (long) Math.ceil(hi * size));
    to = Math.min(to, size);
    if (to - from < quota) {
      from = 0;
      to = size;
    }
    long width = to - from;
    if (rank < from || rank >= to) {
      return false;
    }
    // the j-th pick sits at from + floor((j + 0.5) · width / quota); rank is picked iff some j maps
    // to it. j = the smallest j whose pick is ≥ rank.
    long offset = rank - from;
    long j = Math.max(0, ceilDiv(offset * quota * 2 - width, 2 * width));
    return j < quota && from + Math.floorDiv((2 * j + 1) * width, 2 * quota) == rank;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
