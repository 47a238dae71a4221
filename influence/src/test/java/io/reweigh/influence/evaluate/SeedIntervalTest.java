package io.reweigh.influence.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SeedIntervalTest {
  @Test
  void studentsTQuantilesOfTheTables() {
    assertEquals(12.706, SeedInterval.t975(1), 1e-9);
    assertEquals(4.303, SeedInterval.t975(2), 1e-9);
    assertEquals(2.042, SeedInterval.t975(30), 1e-9);
    assertEquals(2.000, SeedInterval.t975(60), 0.002);
    assertEquals(1.962, SeedInterval.t975(1000), 0.002);
  }

  @Test
  void meanAndIntervalOfPerSeedValues() {
    SeedInterval s = SeedInterval.ofValues(new double[] {1, 2, 3});
    assertEquals(2, s.mean(), 1e-12);
    double half = 4.303 * 1 / Math.sqrt(3);
    assertEquals(2 - half, s.low(), 1e-12);
    assertEquals(2 + half, s.high(), 1e-12);
    assertEquals(half, s.halfWidth(), 1e-12);
    assertEquals(3, s.seeds());
  }

  @Test
  void ratiosAreIntervalsOfLogRatiosExponentiated() {
    double[] d = {Math.log(0.9), Math.log(0.92), Math.log(0.88)};
    SeedInterval r = SeedInterval.ofLogRatios(d);
    SeedInterval l = SeedInterval.ofValues(d);
    assertEquals(Math.exp(l.mean()), r.mean(), 1e-12);
    assertEquals(Math.exp(l.low()), r.low(), 1e-12);
    assertEquals(Math.exp(l.high()), r.high(), 1e-12);
    assertEquals(SeedInterval.Verdict.BETTER, r.verdict());
  }

  @Test
  void aDifferenceInsideTheIntervalIsNoDifferenceAndOneSeedIsNoVerdict() {
    assertEquals(
        SeedInterval.Verdict.NO_DIFFERENCE,
        SeedInterval.ofLogRatios(new double[] {-0.05, 0.01, -0.02}).verdict());
    assertEquals(
        SeedInterval.Verdict.WORSE,
        SeedInterval.ofLogRatios(new double[] {0.10, 0.11, 0.09}).verdict());
    SeedInterval one = SeedInterval.ofLogRatios(new double[] {-0.5});
    assertEquals(SeedInterval.Verdict.ONE_SEED, one.verdict());
    assertEquals(one.low(), one.high(), 0);
  }
}
