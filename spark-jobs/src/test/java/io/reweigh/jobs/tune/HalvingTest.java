package io.reweigh.jobs.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class HalvingTest {
  @Test
  void halvesTheCandidatesAndDoublesTheStepsUntilTwoTrainTheFullLength() {
    Halving h = Halving.plan(8, 400, 50, 3, 8);
    assertEquals(List.of(100, 200, 400), h.rungSteps());
    assertEquals(List.of(8, 4, 2), h.survivors());
    // 8 × 100 + 4 × 100 + 2 × 200 steps = 4 full-length runs per seed: two seeds fit in 8
    assertEquals(4.0, h.runsPerSeed(), 1e-12);
    assertEquals(2, h.seeds());
    assertEquals(8.0, h.runs(), 1e-12);
  }

  @Test
  void oddCountsRoundUpAndSmallBudgetsGetFewerSeeds() {
    Halving h = Halving.plan(6, 400, 50, 3, 8);
    assertEquals(List.of(100, 200, 400), h.rungSteps());
    assertEquals(List.of(6, 3, 2), h.survivors());
    assertEquals(6 * 0.25 + 3 * 0.25 + 2 * 0.5, h.runsPerSeed(), 1e-12);
    assertEquals(2, h.seeds());
    assertEquals(1, Halving.plan(6, 400, 50, 3, 3.5).seeds());
    assertNull(Halving.plan(6, 400, 50, 3, 3), "one seed costs 3.25 runs");
  }

  @Test
  void noRungIsShorterThanTheMinimumAndTwoCandidatesTrainOnceAtFullLength() {
    Halving h = Halving.plan(16, 400, 60, 3, 100);
    // 4 rungs would start at 50 steps: three, from 100
    assertEquals(List.of(100, 200, 400), h.rungSteps());
    assertEquals(List.of(16, 8, 2), h.survivors());
    assertEquals(3, h.seeds());
    Halving two = Halving.plan(2, 400, 50, 3, 8);
    assertEquals(List.of(400), two.rungSteps());
    assertEquals(List.of(2), two.survivors());
    assertEquals(2.0, two.runsPerSeed(), 1e-12);
    assertEquals(List.of(1), Halving.plan(1, 400, 50, 3, 8).survivors());
  }
}
