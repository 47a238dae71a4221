package io.reweigh.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WeightMathTest {
  @Test
  void quantileRanks() {
    assertEquals(0, WeightMath.quantileRank(0.0, 10));
    assertEquals(9, WeightMath.quantileRank(1.0, 10));
    assertEquals(4, WeightMath.quantileRank(0.5, 10));
    assertEquals(0, WeightMath.quantileRank(0.01, 100));
    assertEquals(98, WeightMath.quantileRank(0.99, 100));
    assertThrows(IllegalArgumentException.class, () -> WeightMath.quantileRank(0.5, 0));
  }

  @Test
  void segmentsHaveEqualCounts() {
    int[] counts = new int[10];
    for (long r = 0; r < 1000; r++) {
      counts[WeightMath.segmentOf(r, 1000, 10)]++;
    }
    for (int c : counts) {
      assertEquals(100, c);
    }
    assertEquals(0, WeightMath.segmentOf(0, 3, 10));
    assertEquals(6, WeightMath.segmentOf(2, 3, 10));
    assertThrows(IllegalArgumentException.class, () -> WeightMath.segmentOf(3, 3, 10));
  }

  @Test
  void ratioWindowIsCentredGeometrically() {
    assertArrayEquals(new double[] {0.1, 10.0}, WeightMath.ratioWindow(1.0, 100), 1e-12);
    assertEquals(2.0, WeightMath.clip(5, 1, 2));
    assertEquals(1.0, WeightMath.clip(-5, 1, 2));
  }

  @Test
  void spearman() {
    assertEquals(
        1.0, RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {10, 20, 30}), 1e-12);
    assertEquals(
        -1.0, RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
    assertArrayEquals(new double[] {0.5, 0.5, 2}, RankCorrelation.ranks(new double[] {1, 1, 5}), 0);
  }

  @Test
  void valueAtRankOfGroupsIsTheSortedRowsValue() {
    double[] values = {3.0, 1.0, 2.0, 1.0};
    long[] counts = {2, 1, 3, 2};
    // rows sorted: 1 1 1 2 2 2 3 3
    double[] sorted = {1, 1, 1, 2, 2, 2, 3, 3};
    for (int rank = 0; rank < sorted.length; rank++) {
      assertEquals(sorted[rank], WeightMath.valueAtRank(values, counts, rank));
    }
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> WeightMath.valueAtRank(values, counts, 8));
  }
}
