package io.reweigh.influence.coreset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.text.UnicodeTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoresetPlanTest {
  @Test
  void targetAndAutoClusters() {
    assertEquals(0, CoresetPlan.target(0, 0.01));
    assertEquals(1, CoresetPlan.target(10, 0.01), "at least one");
    assertEquals(200, CoresetPlan.target(20_000, 0.01));
    assertEquals(7, CoresetPlan.target(7, 1.0), "at most n");
    assertEquals(14, CoresetPlan.autoClusters(200));
    assertEquals(1, CoresetPlan.autoClusters(1));
  }

  @Test
  void quotasCoverEveryClusterAndSumToTheTarget() {
    long[] q = CoresetPlan.quotas(new long[] {1000, 10, 0, 90}, 20);
    // one each, then 17 in proportion to size − 1: 15.48, 0.14, 1.38 → 15, 0, 1 + the largest
    // remainder (cluster 0)
    assertArrayEquals(new long[] {17, 1, 0, 2}, q);
    assertEquals(20, q[0] + q[1] + q[2] + q[3]);
    // 18 shared: 16.38 and 1.62 → 16 and 1, the remainder to cluster 1
    assertArrayEquals(new long[] {17, 3}, CoresetPlan.quotas(new long[] {1000, 100}, 20));
    assertArrayEquals(new long[] {3, 2}, CoresetPlan.quotas(new long[] {3, 2}, 100), "≤ size");
    assertThrows(IllegalArgumentException.class, () -> CoresetPlan.quotas(new long[] {5, 5}, 1));
  }

  @Test
  void selectionTakesExactlyTheQuotaFromTheModerateBand() {
    for (long size : new long[] {1, 2, 3, 10, 97, 1000}) {
      for (long quota = 1; quota <= Math.min(size, 40); quota++) {
        List<Long> picked = new ArrayList<>();
        for (long rank = 0; rank < size; rank++) {
          if (CoresetPlan.selected(rank, size, quota, 0.25, 0.75)) {
            picked.add(rank);
          }
        }
        assertEquals(quota, picked.size(), size + "/" + quota);
        long band = (long) Math.ceil(0.75 * size) - (long) Math.floor(0.25 * size);
        if (quota <= band) {
          for (long r : picked) {
            assertTrue(r >= Math.floor(0.25 * size) && r < Math.ceil(0.75 * size), size + ":" + r);
          }
        }
      }
    }
    // 100 members, 5 picks in ranks [25, 75): evenly spaced at 30, 40, 50, 60, 70
    List<Long> picked = new ArrayList<>();
    for (long rank = 0; rank < 100; rank++) {
      if (CoresetPlan.selected(rank, 100, 5, 0.25, 0.75)) {
        picked.add(rank);
      }
    }
    assertEquals(List.of(30L, 40L, 50L, 60L, 70L), picked);
  }

  @Test
  void hashedEmbeddingIsUnitLengthAndSeparatesTopics() {
    UnicodeTokenizer tok = new UnicodeTokenizer(true);
    long[] df = new long[64];
    String[] docs = {"the cat sat on the mat", "the cat sat on a mat", "quantum chromodynamics"};
    List<int[][]> c = new ArrayList<>();
    for (String d : docs) {
      int[][] x = HashedEmbedding.counts(tok.tokenIds(d), 64, 2);
      c.add(x);
      for (int b : x[0]) {
        df[b]++;
      }
    }
    double[] idf = HashedEmbedding.idf(df, docs.length);
    double[][] v = new double[3][64];
    for (int i = 0; i < 3; i++) {
      double[] vals = HashedEmbedding.values(c.get(i), idf);
      double norm = 0;
      for (int j = 0; j < vals.length; j++) {
        v[i][c.get(i)[0][j]] = vals[j];
        norm += vals[j] * vals[j];
      }
      assertEquals(1.0, norm, 1e-6);
    }
    assertTrue(dot(v[0], v[1]) > dot(v[0], v[2]) + 0.3);
    // 6 tokens, order 2: 6 unigrams + 5 bigrams counted
    int total = 0;
    for (int n : c.get(0)[1]) {
      total += n;
    }
    assertEquals(11, total);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void clusterCountsThatCannotBeFilledAreRefused() {
    CoresetPlan.checkClusters(8, 1500, 60);
    CoresetPlan.checkClusters(60, 1500, 60);
    var tooManyForDocs =
        assertThrows(
            io.reweigh.core.error.ReweighException.class,
            () -> CoresetPlan.checkClusters(11, 10, 10));
    assertTrue(tooManyForDocs.getMessage().contains("usable documents (10)"));
    var tooManyForCoreset =
        assertThrows(
            io.reweigh.core.error.ReweighException.class,
            () -> CoresetPlan.checkClusters(61, 1500, 60));
    assertTrue(tooManyForCoreset.getMessage().contains("coreset size (60"));
  }
}
