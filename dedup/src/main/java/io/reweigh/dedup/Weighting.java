package io.reweigh.dedup;

/**
 * SoftDedup weights from commonness (He et al. 2024: the sampling weight falls as commonness rises,
 * W ∝ 1/p). Segmented mode gives every document of a quantile segment the inverse of the segment's
 * mean commonness, which is robust to single extreme scores.
 */
public final class Weighting {
  private Weighting() {}

  /** Raw weight of each segment from its mean commonness. */
  public static double[] segmentWeights(double[] segmentMeans) {
    double[] w = new double[segmentMeans.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1.0 / Math.max(segmentMeans[i], Double.MIN_NORMAL);
    }
    return w;
  }
}
