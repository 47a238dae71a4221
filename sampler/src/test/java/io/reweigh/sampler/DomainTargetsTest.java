package io.reweigh.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.error.ReweighException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DomainTargetsTest {
  static final String SRC = "file t.json";

  private static ReweighException fails(String json) {
    return assertThrows(ReweighException.class, () -> DomainTargets.parseJson(SRC, json));
  }

  @Test
  void parsesAFlatObject() {
    DomainTargets t = DomainTargets.parseJson(SRC, "{\"web\": 0.6, \"code\": 0.4}");
    assertEquals(Map.of("web", 0.6, "code", 0.4), t.shares());
    assertEquals("code", t.shares().firstKey());
    // within 1e-6 of 1 is accepted
    DomainTargets.parseJson(SRC, "{\"a\": 0.3333333, \"b\": 0.6666666}");
  }

  @Test
  void badFilesNameTheFileAndTheProblem() {
    ReweighException e = fails("web: 0.5");
    assertEquals(2, e.exitCode());
    assertTrue(
        e.getMessage().startsWith("Cannot read the domain targets file t.json"), e.getMessage());
    assertTrue(e.getMessage().contains("it is not JSON"), e.getMessage());
    assertTrue(fails("[0.5, 0.5]").getMessage().contains("not a JSON object"));
    assertTrue(fails("{\"web\": \"half\"}").getMessage().contains("'web' is \"half\""));
    assertTrue(fails("{\"web\": 1.5}").getMessage().contains("shares are from 0 to 1"));
    assertTrue(fails("{}").getMessage().contains("names no domain"));
    ReweighException sum = fails("{\"web\": 0.5, \"code\": 0.4}");
    assertTrue(
        sum.getMessage().startsWith("The domain targets file t.json sum to 0.9"), sum.getMessage());
  }

  @Test
  void factorsMeetSharesOfWeightAndKeepMeanOne() {
    DomainTargets t = new DomainTargets(SRC, new TreeMap<>(Map.of("a", 0.5, "b", 0.5)));
    Map<String, Long> docs = Map.of("a", 2L, "b", 2L);
    Map<String, Double> w = Map.of("a", 1.5, "b", 2.5);
    Map<String, Double> f = t.scales(docs, w, w);
    // 0.5 · 4 / 1.5 and 0.5 · 4 / 2.5; Σ weight stays 4
    assertEquals(4.0 / 3, f.get("a"), 1e-15);
    assertEquals(0.8, f.get("b"), 1e-15);
  }

  @Test
  void factorsMeetSharesOfWeightedTokens() {
    DomainTargets t = new DomainTargets(SRC, new TreeMap<>(Map.of("a", 0.25, "b", 0.75)));
    Map<String, Long> docs = Map.of("a", 2L, "b", 2L);
    Map<String, Double> w = Map.of("a", 1.5, "b", 2.5);
    Map<String, Double> wt = Map.of("a", 30.0, "b", 10.0);
    Map<String, Double> f = t.scales(docs, w, wt);
    // before renormalising 1/3 and 3: weighted tokens 10 and 30 (shares .25/.75), Σ w = 8 → ×½
    assertEquals(1.0 / 6, f.get("a"), 1e-15);
    assertEquals(1.5, f.get("b"), 1e-15);
    double wa = 30 * f.get("a");
    double wb = 10 * f.get("b");
    assertEquals(0.25, wa / (wa + wb), 1e-15);
    assertEquals(4.0, 1.5 * f.get("a") + 2.5 * f.get("b"), 1e-12, "mean weight 1");
  }

  @Test
  void shareZeroGivesWeightZero() {
    DomainTargets t = new DomainTargets(SRC, new TreeMap<>(Map.of("a", 0.0, "b", 1.0)));
    Map<String, Double> f =
        t.scales(Map.of("a", 1L, "b", 3L), Map.of("a", 1.0, "b", 3.0), Map.of("a", 1.0, "b", 3.0));
    assertEquals(0.0, f.get("a"));
    assertEquals(4.0 / 3, f.get("b"), 1e-15);
  }

  @Test
  void domainsMustMatchBothWays() {
    DomainTargets t = new DomainTargets(SRC, new TreeMap<>(Map.of("a", 0.5, "b", 0.5)));
    Map<String, Double> w = Map.of("a", 1.0, "b", 1.0, "c", 1.0);
    ReweighException unnamed =
        assertThrows(
            ReweighException.class, () -> t.scales(Map.of("a", 1L, "b", 1L, "c", 7L), w, w));
    assertTrue(
        unnamed
            .getMessage()
            .startsWith(
                "The domain targets file t.json do not name 1 domain(s) that have documents:"
                    + " 'c' (7 documents)."),
        unnamed.getMessage());
    ReweighException empty =
        assertThrows(ReweighException.class, () -> t.scales(Map.of("a", 3L), w, w));
    assertTrue(
        empty
            .getMessage()
            .contains("give domain 'b' a share, but no usable document has that domain."),
        empty.getMessage());
    assertTrue(empty.getMessage().contains("domains with documents are [a]"), empty.getMessage());
  }
}
