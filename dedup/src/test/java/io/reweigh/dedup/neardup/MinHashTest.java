package io.reweigh.dedup.neardup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MinHashTest {
  /** A random document of n tokens over a vocabulary of v ids. */
  static long[] doc(SplittableRandom r, int n, int v) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(v);
    }
    return t;
  }

  /** A copy with each token replaced with probability rate. */
  static long[] perturb(SplittableRandom r, long[] src, double rate, int v) {
    long[] t = src.clone();
    for (int i = 0; i < t.length; i++) {
      if (r.nextDouble() < rate) {
        t[i] = v + r.nextInt(v);
      }
    }
    return t;
  }

  @Test
  void theEstimateTracksTheExactJaccardOfTheShingleSets() {
    MinHash mh = new MinHash(256, 3, 7);
    SplittableRandom r = new SplittableRandom(1);
    double worst = 0;
    for (double rate : new double[] {0, 0.01, 0.03, 0.1, 0.3, 1}) {
      for (int k = 0; k < 20; k++) {
        long[] a = doc(r, 200 + r.nextInt(400), 5000);
        long[] b = perturb(r, a, rate, 5000);
        double exact = mh.exactJaccard(a, b);
        double est = MinHash.estimate(mh.signature(a), mh.signature(b));
        // binomial standard error at 256 hashes is at most 0.031; 4 of them bound every case here
        worst = Math.max(worst, Math.abs(est - exact));
        assertEquals(exact, est, 0.125, "rate " + rate);
      }
    }
    assertTrue(worst > 0, "the estimate is an estimate");
    long[] a = doc(r, 300, 5000);
    assertEquals(1.0, MinHash.estimate(mh.signature(a), mh.signature(a.clone())));
    assertEquals(1.0, mh.exactJaccard(a, a.clone()));
  }

  @Test
  void theMeanErrorIsUnbiased() {
    MinHash mh = new MinHash(128, 5, 3);
    SplittableRandom r = new SplittableRandom(2);
    double sum = 0;
    int n = 200;
    for (int k = 0; k < n; k++) {
      long[] a = doc(r, 500, 20000);
      long[] b = perturb(r, a, 0.02, 20000);
      sum += MinHash.estimate(mh.signature(a), mh.signature(b)) - mh.exactJaccard(a, b);
    }
    assertEquals(0, sum / n, 0.01);
  }

  @Test
  void signaturesAreSeededAndDeterministic() {
    long[] a = doc(new SplittableRandom(3), 100, 1000);
    assertArrayEquals(new MinHash(64, 5, 1).signature(a), new MinHash(64, 5, 1).signature(a));
    assertTrue(
        MinHash.estimate(new MinHash(64, 5, 1).signature(a), new MinHash(64, 5, 2).signature(a))
            < 0.2);
    assertNull(new MinHash(64, 5, 1).signature(new long[0]));
    // shorter than a shingle: one shingle of all its tokens
    long[] tiny = {4, 2};
    assertEquals(
        1.0,
        MinHash.estimate(
            new MinHash(64, 5, 1).signature(tiny), new MinHash(64, 5, 1).signature(tiny.clone())));
    assertTrue(
        MinHash.estimate(
                new MinHash(64, 5, 1).signature(tiny),
                new MinHash(64, 5, 1).signature(new long[] {2, 4}))
            < 0.2);
  }

  @Test
  void bandsAgreeWhenTheirRowsAgree() {
    long[] sig = doc(new SplittableRandom(4), 128, 1 << 30);
    long[] other = sig.clone();
    other[9] ^= 1; // row 1 of band 1 (8 rows per band)
    long[] ka = MinHash.bandKeys(sig, 16, 8);
    long[] kb = MinHash.bandKeys(other, 16, 8);
    for (int b = 0; b < 16; b++) {
      assertEquals(b != 1, ka[b] == kb[b], "band " + b);
    }
    // the same values in another band give another key
    long[] same = new long[128];
    long[] k = MinHash.bandKeys(same, 16, 8);
    assertTrue(k[0] != k[1]);
  }

  @Test
  void theSCurveOfTheDefaults() {
    // 16 bands × 8 rows (docs/neardup.md): steepest near 0.71, 0.95 at 0.8, all but certain at 0.9
    assertEquals(0.707, MinHash.threshold(16, 8), 0.001);
    assertEquals(0.947, MinHash.candidateProbability(0.8, 16, 8), 0.001);
    assertTrue(MinHash.candidateProbability(0.9, 16, 8) > 0.9998);
    assertTrue(MinHash.candidateProbability(0.3, 16, 8) < 0.002);
  }

  @Test
  void bandingFindsPairsAsTheSCurveSays() {
    MinHash mh = new MinHash(128, 5, 11);
    SplittableRandom r = new SplittableRandom(5);
    int found = 0;
    int trials = 300;
    double expected = 0;
    for (int t = 0; t < trials; t++) {
      long[] a = doc(r, 400, 50000);
      long[] b = perturb(r, a, 0.03, 50000);
      expected += MinHash.candidateProbability(mh.exactJaccard(a, b), 16, 8);
      long[] ka = MinHash.bandKeys(mh.signature(a), 16, 8);
      long[] kb = MinHash.bandKeys(mh.signature(b), 16, 8);
      boolean shared = false;
      for (int i = 0; i < 16; i++) {
        shared |= ka[i] == kb[i];
      }
      found += shared ? 1 : 0;
    }
    // binomial noise over 300 trials: sd ≤ 8.7 pairs
    assertEquals(expected, found, 30);
  }
}
