package io.reweigh.influence.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommonDrawsTest {
  /** P(Poisson(λ) = k), summed in log space. */
  static double pmf(double lambda, int k) {
    double log = -lambda + k * Math.log(lambda);
    for (int i = 2; i <= k; i++) {
      log -= Math.log(i);
    }
    return Math.exp(log);
  }

  @Test
  void countsOnAGridOfVariatesFollowThePoissonLaw() {
    int grid = 200_000;
    for (double lambda : new double[] {0.01, 0.4, 3, 27.5, 350, 1_000, 4_000}) {
      double mean = 0;
      double sq = 0;
      int[] hist = new int[8];
      for (int i = 0; i < grid; i++) {
        int k = CommonDraws.poisson((i + 0.5) / grid, lambda);
        mean += k;
        sq += (double) k * k;
        if (k < hist.length) {
          hist[k]++;
        }
      }
      mean /= grid;
      double var = sq / grid - mean * mean;
      assertEquals(lambda, mean, Math.max(1e-4, lambda * 2e-3), "mean at λ=" + lambda);
      assertEquals(lambda, var, Math.max(2e-3, lambda * 0.02), "variance at λ=" + lambda);
      // the exact inverse CDF: each count's share of the grid is its probability
      for (int k = 0; k < hist.length; k++) {
        assertEquals(pmf(lambda, k), hist[k] / (double) grid, 2.0 / grid, "P(" + k + ")");
      }
    }
  }

  @Test
  void aFixedVariateGivesCountsMonotoneInTheMeanSoArmsShareTheirDraws() {
    for (int i = 0; i < 300; i++) {
      double u = (i + 0.5) / 300;
      int last = 0;
      for (double lambda = 0; lambda < 600; lambda += 1.37) {
        int k = CommonDraws.poisson(u, lambda);
        assertTrue(k >= last, "u=" + u + " λ=" + lambda + ": " + k + " < " + last);
        last = k;
      }
    }
    // means 1% apart disagree on about 0.5% of chunks; independent draws would on about half
    int grid = 100_000;
    int differ = 0;
    for (int i = 0; i < grid; i++) {
      double u = (i + 0.5) / grid;
      if (CommonDraws.poisson(u, 0.5) != CommonDraws.poisson(u, 0.505)) {
        differ++;
      }
    }
    assertTrue(differ < grid * 0.01, differ + " of " + grid);
  }

  @Test
  void noMeanOrANegativeOneDrawsNothing() {
    assertEquals(0, CommonDraws.poisson(0.999, 0));
    assertEquals(0, CommonDraws.poisson(0.999, -1));
    assertEquals(0, CommonDraws.poisson(0.999, Double.NaN));
  }

  @Test
  void largeMeansSumFromTheModeWithoutUnderflow() {
    // around the switch to the mode walk, the quantiles agree with a CDF summed in log space
    for (double lambda : new double[] {399.9, 400.1, 650, 5_000}) {
      for (double u : new double[] {1e-9, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-9}) {
        double logP = -lambda; // log P(0), then log P(k) = log P(k−1) + log λ − log k
        double cdf = Math.exp(logP);
        int k = 0;
        while (cdf < u) {
          k++;
          logP += Math.log(lambda) - Math.log(k);
          cdf += Math.exp(logP);
        }
        assertEquals(k, CommonDraws.poisson(u, lambda), "λ=" + lambda + " u=" + u);
      }
    }
    assertEquals(
        Math.log(1000) + CommonDraws.logFactorial(999), CommonDraws.logFactorial(1000), 1e-9);
  }

  @Test
  void variatesFromHashesAreStrictlyInsideTheUnitInterval() {
    assertTrue(CommonDraws.uniform(0) > 0);
    assertTrue(CommonDraws.uniform(-1L) < 1);
    assertEquals(0.5, CommonDraws.uniform(1L << 63), 1e-15);
  }
}
