package io.reweigh.influence.coreset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CentroidsTest {
  /** A dense vector as its entries. */
  static Centroids.Entries dense(double... v) {
    return f -> {
      for (int i = 0; i < v.length; i++) {
        f.accept(i, v[i]);
      }
    };
  }

  /** A sparse vector as its (index, value) entries. */
  static Centroids.Entries sparse(int[] idx, double[] val) {
    return f -> {
      for (int i = 0; i < idx.length; i++) {
        f.accept(idx[i], val[i]);
      }
    };
  }

  @Test
  void nearestCenterTiesGoToTheLowerIndexAndDistancesAreFloats() {
    Centroids.Nearest n = Centroids.nearest(new double[][] {{0, 1}, {1, 0}}, dense(0.5, 0.5));
    assertEquals(0, n.cluster());
    assertEquals(0.5, n.distance(), 1e-7);
    Centroids.Nearest m = Centroids.nearest(new double[][] {{0, 1}, {1, 0}}, dense(0.9, 0.1));
    assertEquals(1, m.cluster());
    assertEquals((double) (float) 0.02, m.distance());
  }

  @Test
  void sparseAndDenseGiveTheSameDistance() {
    double[] c = {0.25, 0, 0.5};
    assertEquals(
        Centroids.sqdist(dense(1, 0, 0), c),
        Centroids.sqdist(sparse(new int[] {0}, new double[] {1}), c));
    assertEquals(0.5625 + 0.25, Centroids.sqdist(dense(1, 0, 0), c), 1e-12);
    assertEquals(0.0, Centroids.sqdist(dense(0.5, 0.5), new double[] {0.5, 0.5}), "never below 0");
  }

  @Test
  void fixedPointSumsGiveTheMeanWhateverTheMergeOrder() {
    long[] a = Centroids.fixedPoint(2, dense(0.1, -0.3));
    long[] b = Centroids.fixedPoint(2, sparse(new int[] {1}, new double[] {0.7}));
    long[] c = Centroids.fixedPoint(2, dense(0.2, 0.2));
    assertEquals(1, a[2], "the count");
    long[] ab = Centroids.add(Centroids.add(a.clone(), b), c);
    long[] ba = Centroids.add(Centroids.add(c.clone(), b), a);
    assertArrayEquals(ab, ba, "exact integer sums");
    double[][] out = Centroids.fromSums(List.of(ab));
    assertEquals((float) (0.3 / 3), out[0][0], 1e-9);
    assertEquals((float) (0.6 / 3), out[0][1], 1e-9);
    assertEquals(out[0][0], (float) out[0][0], "rounded to float");
  }

  @Test
  void roundedCentersAreFloatsAndTheInputIsKept() {
    double[][] in = {{0.1, 1.0 / 3}};
    double[][] r = Centroids.rounded(in);
    assertEquals((float) 0.1, r[0][0]);
    assertEquals((float) (1.0 / 3), r[0][1]);
    assertEquals(0.1, in[0][0]);
  }
}
