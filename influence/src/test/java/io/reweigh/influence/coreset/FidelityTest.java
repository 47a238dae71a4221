package io.reweigh.influence.coreset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FidelityTest {
  @Test
  void spearmanOfPropagatedAgainstTauTimesSi() {
    double[] propagated = {0.5, 1.0, 2.0};
    Fidelity up = Fidelity.of(propagated, new double[] {1, 2, 3}, 0.5, 0.3, 30, 1.5, 0.2);
    assertEquals(1.0, up.spearman(), 1e-12);
    Fidelity down = Fidelity.of(propagated, new double[] {1, 2, 3}, -0.5, 0.3, 30, 1.5, 0.2);
    assertEquals(-1.0, down.spearman(), 1e-12, "a negative temperature reverses the ranks");
    assertEquals(3, up.docs());
    assertEquals(3.0, up.fullScoringSecondsEstimate(), 1e-12, "0.1 s a document × 30");
    assertEquals(0.5, up.timeRatio(), 1e-12);
  }

  @Test
  void statsKeepTheirOrderAndMillisecondRounding() {
    Fidelity f = Fidelity.of(new double[] {1}, new double[] {1}, 1, 0.12345, 10, 2.00049, 0.0004);
    assertNull(f.spearman(), "fewer than 2 documents");
    Map<String, Object> s = f.toStats();
    assertEquals(
        List.of(
            "docs",
            "spearman",
            "seconds",
            "full_scoring_seconds_estimate",
            "coreset_stage_seconds",
            "coreset_scoring_seconds",
            "time_ratio"),
        List.copyOf(s.keySet()));
    assertEquals(0.123, s.get("seconds"));
    assertEquals(1.235, s.get("full_scoring_seconds_estimate"));
    assertEquals(2.0, s.get("coreset_stage_seconds"));
    assertEquals(0.0, s.get("coreset_scoring_seconds"));
    assertEquals(2.00049 / 1.2345, (Double) s.get("time_ratio"), 1e-12);
  }

  @Test
  void noSampleNoEstimate() {
    Fidelity f = Fidelity.of(new double[0], new double[0], 1, 0.01, 10, 2, 1);
    assertEquals(0, f.docs());
    assertEquals(0.0, f.fullScoringSecondsEstimate());
    assertNull(f.timeRatio());
  }
}
