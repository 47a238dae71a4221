package io.reweigh.core.weights;

import java.util.Arrays;
import java.util.Comparator;

/** Spearman's rank correlation with average ranks for ties. */
public final class RankCorrelation {
  private RankCorrelation() {}

  public static double spearman(double[] a, double[] b) {
    if (a.length != b.length || a.length < 2) {
      throw new IllegalArgumentException("need two arrays of equal length ≥ 2");
    }
    double[] ra = ranks(a);
    double[] rb = ranks(b);
    return pearson(ra, rb);
  }

  static double[] ranks(double[] x) {
    Integer[] idx = new Integer[x.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, Comparator.comparingDouble(i -> x[i]));
    double[] r = new double[x.length];
    int i = 0;
    while (i < idx.length) {
      int j = i;
      while (j + 1 < idx.length && x[idx[j + 1]] == x[idx[i]]) {
        j++;
      }
      double avg = (i + j) / 2.0;
      for (int k = i; k <= j; k++) {
        r[idx[k]] = avg;
      }
      i = j + 1;
    }
    return r;
  }

  static double pearson(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
  }
}
