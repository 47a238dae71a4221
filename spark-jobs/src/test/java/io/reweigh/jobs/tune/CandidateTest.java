package io.reweigh.jobs.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CandidateTest {
  static Map<String, Double> alphas(double c, double i) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("commonness", c);
    m.put("influence", i);
    return m;
  }

  @Test
  void anchorsComeFirstThenASeededSampleOfTheGrid() {
    TreeMap<String, Double> mix = new TreeMap<>(Map.of("a", 0.7, "b", 0.3));
    TreeMap<String, Double> held = new TreeMap<>(Map.of("a", 0.2, "b", 0.8));
    List<Candidate> c = Candidate.of(alphas(1, 1), List.of(0.0, 0.5, 1.0, 2.0), mix, held, 8, 0);
    assertEquals(8, c.size());
    assertEquals(
        List.of(
            "uniform",
            "current",
            "mixture",
            "mixture α commonness=1 influence=1",
            "held-out mix α commonness=1 influence=1"),
        c.subList(0, 5).stream().map(Candidate::name).toList());
    assertTrue(c.get(0).isUniform());
    assertNull(c.get(1).mixture());
    assertEquals(mix, c.get(2).mixture());
    assertEquals(held, c.get(4).mixture());
    assertTrue(c.get(2).learnsMixture() && !c.get(4).learnsMixture());
    for (Candidate x : c.subList(5, 8)) {
      assertEquals(mix, x.mixture());
      assertTrue(x.name().startsWith("mixture α commonness="), x.name());
    }
    assertEquals(8, c.stream().map(Candidate::alphas).distinct().count() + 3, "distinct settings");
    assertEquals(c, Candidate.of(alphas(1, 1), List.of(0.0, 0.5, 1.0, 2.0), mix, held, 8, 0));
  }

  @Test
  void withoutAMixtureTheGridHoldsZeroAndTheRunsOwnValue() {
    Map<String, Double> one = Map.of("commonness", 0.7);
    List<Candidate> c = Candidate.of(one, List.of(2.0), null, null, 10, 0);
    // exponents {0, 0.7, 2}: uniform, current, and 2
    assertEquals(
        List.of("uniform", "current", "α commonness=2"), c.stream().map(Candidate::name).toList());
    assertEquals(Map.of("commonness", 2.0), c.get(2).alphas());
  }
}
