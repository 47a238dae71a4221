package io.reweigh.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class HistogramsTest {

  @Test
  void aPositiveColumnSpanningMoreThanLogSpanIsBinnedByLog10() {
    Axis wide = Histograms.axis("w", 0.01, 10, 5);
    assertTrue(wide.log());
    assertEquals(-2, wide.lo(), 1e-12);
    assertEquals(1, wide.hi(), 1e-12);
    assertFalse(Histograms.axis("w", 1, Histograms.LOG_SPAN, 5).log());
    assertFalse(Histograms.axis("w", -1, 100, 5).log(), "not positive");
    Axis none = Histograms.axis("w", Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0);
    assertEquals(new Axis("w", 0, 1, false), none);
  }

  @Test
  void binsClampToTheEndsAndSkipNullAndNaN() {
    long[][] acc = new long[1][Histograms.BINS];
    double[] lo = {0};
    double[] width = {1.0 / Histograms.BINS};
    boolean[] log = {false};
    for (Object v : new Object[] {0.0, 1.0, 2.0, -1.0, null, Double.NaN}) {
      Histograms.Bins.add(acc, RowFactory.create(v), lo, width, log);
    }
    long[] want = new long[Histograms.BINS];
    want[0] = 2;
    want[Histograms.BINS - 1] = 2;
    assertArrayEquals(want, acc[0]);
  }

  @Test
  void rangesMergeAcrossPartitions() {
    double[][] a = Histograms.Bins.emptyRange(1);
    Histograms.Bins.addRange(a, RowFactory.create(3.0));
    double[][] b = Histograms.Bins.emptyRange(1);
    Histograms.Bins.addRange(b, RowFactory.create(-2.0));
    Histograms.Bins.addRange(b, RowFactory.create((Object) null));
    double[][] r = Histograms.Bins.mergeRange(a, b);
    assertArrayEquals(new double[] {-2}, r[0]);
    assertArrayEquals(new double[] {3}, r[1]);
    assertArrayEquals(new double[] {2}, r[2]);
  }
}
