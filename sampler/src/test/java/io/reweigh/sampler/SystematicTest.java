package io.reweigh.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SystematicTest {
  /** Copies of each document in order, the way the Spark glue computes them per partition. */
  static int[] copies(double[] w, double r, long offset) {
    int[] c = new int[w.length];
    long prefix = 0;
    for (int i = 0; i < w.length; i++) {
      long q = Systematic.quantise(w[i] * r);
      c[i] = Systematic.copies(prefix, q, offset);
      prefix += q;
    }
    return c;
  }

  @Test
  void handWorkedCases() {
    double[] w = {0.5, 1.5, 1.0, 2.0};
    // cumulative expectations 0.5, 2, 3, 5; offset 0.25: ⌊0.75⌋ ⌊2.25⌋ ⌊3.25⌋ ⌊5.25⌋ = 0 2 3 5
    assertArrayEquals(new int[] {0, 2, 1, 2}, copies(w, 1, Systematic.ONE / 4));
    // offset 0.75: ⌊1.25⌋ ⌊2.75⌋ ⌊3.75⌋ ⌊5.75⌋ = 1 2 3 5
    assertArrayEquals(new int[] {1, 1, 1, 2}, copies(w, 1, 3 * Systematic.ONE / 4));
    // r = 2 doubles every expectation: 1, 3, 2, 4 exactly
    assertArrayEquals(new int[] {1, 3, 2, 4}, copies(w, 2, 12345));
  }

  @Test
  void floorOrCeilingOfTheExpectationAndTheTotal() {
    Random rnd = new Random(7);
    double[] w = new double[5000];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextDouble() * rnd.nextDouble() * 8;
    }
    double r = 1.37;
    long offset = Systematic.offset(42, "shards");
    int[] c = copies(w, r, offset);
    double expected = 0;
    long total = 0;
    for (int i = 0; i < w.length; i++) {
      double e = w[i] * r;
      assertTrue(c[i] == Math.floor(e) || c[i] == Math.floor(e) + 1, i + ": " + e + " → " + c[i]);
      expected += e;
      total += c[i];
    }
    assertTrue(Math.abs(total - expected) <= 1.0, total + " vs " + expected);
  }

  @Test
  void copiesDoNotDependOnWhereTheSequenceIsSplit() {
    // the Spark glue runs the same recurrence per partition from an exact prefix offset
    double[] w = {0.3, 2.7, 0.01, 1.2, 5.5, 0.9, 0.4};
    long offset = Systematic.offset(1, "phase-1");
    int[] whole = copies(w, 1.1, offset);
    long prefix = 0;
    for (int i = 0; i < 3; i++) {
      prefix += Systematic.quantise(w[i] * 1.1);
    }
    long p = prefix;
    for (int i = 3; i < w.length; i++) {
      long q = Systematic.quantise(w[i] * 1.1);
      assertEquals(whole[i], Systematic.copies(p, q, offset));
      p += q;
    }
  }

  @Test
  void spreadPlacesCopiesEvenly() {
    assertEquals(0.1, Systematic.spread(0, 1, 0.1));
    assertEquals(0.025, Systematic.spread(0, 4, 0.1), 1e-15);
    assertEquals(0.775, Systematic.spread(3, 4, 0.1), 1e-15);
    double u = Systematic.phase(3, "doc-1");
    assertTrue(u >= 0 && u < 1);
    assertEquals(u, Systematic.phase(3, "doc-1"));
    assertFalse(u == Systematic.phase(4, "doc-1"));
  }

  @Test
  void ratioSearchHitsTheTargetOrSaysItCannot() {
    Random rnd = new Random(3);
    double[] w = new double[300];
    long[] tokens = new long[300];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.2 + rnd.nextDouble() * 3;
      tokens[i] = 10 + rnd.nextInt(2000);
    }
    double wt = 0;
    for (int i = 0; i < w.length; i++) {
      wt += w[i] * tokens[i];
    }
    long offset = Systematic.offset(0, "shards");
    java.util.function.DoubleToLongFunction realised =
        r -> {
          int[] c = copies(w, r, offset);
          long t = 0;
          for (int i = 0; i < c.length; i++) {
            t += c[i] * tokens[i];
          }
          return t;
        };
    for (long target : new long[] {50_000, 333_333, 2_000_000}) {
      RatioSearch.Result res = RatioSearch.solve(realised, target, target / wt, 0.005, 40);
      assertTrue(res.withinTolerance(), target + ": " + res);
      assertEquals(realised.applyAsLong(res.ratio()), res.tokens());
      assertTrue(Math.abs(res.tokens() - target) <= 0.005 * target, res.toString());
    }
    // one 1,000-token document: 1,500 tokens are 1 or 2 copies, never within 0.5%
    RatioSearch.Result no =
        RatioSearch.solve(
            r -> Systematic.copies(0, Systematic.quantise(r), 0) * 1000L, 1500, 1.5, 0.005, 40);
    assertFalse(no.withinTolerance());
    assertTrue(no.tokens() == 1000 || no.tokens() == 2000);
  }
}
