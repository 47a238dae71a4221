package io.reweigh.influence.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.ProxyLmConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DoReMiTest {
  static NDManager root;

  @BeforeAll
  static void setUp() {
    DjlRuntime.engine();
    DjlRuntime.limitThreads(2);
    root = NDManager.newBaseManager(DjlRuntime.device());
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  @Test
  void equalExcessLossesKeepUniformWeightsAndALargerOneGainsWeight() {
    double[] u = {1 / 3.0, 1 / 3.0, 1 / 3.0};
    assertArrayEquals(u, DoReMi.update(u, new double[] {0.7, 0.7, 0.7}, 1, 1e-3), 1e-12);
    double[] a = DoReMi.update(u, new double[] {1.0, 0, 0}, 1, 0);
    // softmax of log(1/3) + (1, 0, 0): e / (e + 2)
    assertEquals(Math.E / (Math.E + 2), a[0], 1e-12);
    assertEquals(1 / (Math.E + 2), a[1], 1e-12);
    // smoothing: (1 − ε)·α' + ε/k keeps every domain above ε/k
    double[] s =
        DoReMi.update(new double[] {1 - 2e-9, 1e-9, 1e-9}, new double[] {50, 0, 0}, 1, 0.03);
    assertTrue(s[1] >= 0.01 - 1e-12, Arrays.toString(s));
    assertEquals(1.0, s[0] + s[1] + s[2], 1e-12);
  }

  @Test
  void excessIsTheClippedPerTokenMeanOfEachDomainAndAnAbsentDomainKeepsItsLastValue() {
    int[] domain = {0, 1, 0};
    float[][] proxy = {{3, 1, 9}, {2, 2, 2}, {1, 5, 0}};
    float[][] ref = {{1, 2, 0}, {1, 1, 1}, {1, 1, 0}};
    float[] mask = {1, 1, 0, 1, 1, 1, 1, 1, 0};
    double[] last = {0.5, 0.5, 7};
    double[] l = DoReMi.excess(domain, proxy, ref, mask, 3, last);
    // domain 0: rows 0 and 2, unmasked: (3−1), max(1−2, 0), (1−1), (5−1) → 6 / 4
    assertEquals(1.5, l[0], 1e-12);
    assertEquals(1.0, l[1], 1e-12);
    assertEquals(7, l[2], 0, "no tokens of domain 2 in the batch");
  }

  @Test
  void rowWeightsMakeATokenWeightedMean() {
    int[] domain = {0, 1, 1};
    double[] alpha = {0.5, 0.25};
    float[] mask = {1, 1, 1, 1, 0, 0, 1, 1, 0};
    double[] r = DoReMi.rowWeights(domain, alpha, mask, 3, 3);
    // Σ_i r_i·tokens_i = 1, and r ∝ α of the row's domain
    assertEquals(1.0, r[0] * 3 + r[1] * 1 + r[2] * 2, 1e-12);
    assertEquals(2.0, r[0] / r[1], 1e-12);
    assertEquals(r[1], r[2], 1e-15);
  }

  /** Windows of a chain over ids from..from+span: each id followed by id+1 or id+2. */
  static List<int[]> chain(int windows, int from, int span, int len, long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < windows; i++) {
      int[] w = new int[len];
      int id = r.nextInt(span);
      for (int j = 0; j < len; j++) {
        w[j] = from + id;
        id = (id + 1 + r.nextInt(2)) % span;
      }
      out.add(w);
    }
    return out;
  }

  static List<int[]> noise(int windows, int vocab, int len, long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < windows; i++) {
      int[] w = new int[len];
      for (int j = 0; j < len; j++) {
        w[j] = 2 + r.nextInt(vocab - 2);
      }
      out.add(w);
    }
    return out;
  }

  @Test
  void aNoiseDomainLosesWeightAndLearnableDomainsGainIt() {
    ProxyLmConfig shape = new ProxyLmConfig(128, 16, 1, 2, 16);
    Evaluation.Settings s =
        new Evaluation.Settings(shape, 80, 12, 40, 1e-2, 0.1, 3, "evaluate.learning-rate");
    List<int[]> a = chain(400, 2, 30, 17, 1);
    List<int[]> b = chain(400, 40, 30, 17, 2);
    List<int[]> c = noise(400, 128, 17, 3);
    // the reference: mostly a, some noise, a little b
    List<int[]> mix = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      mix.add(i % 20 == 0 ? b.get(i) : i % 4 == 1 ? c.get(i) : a.get(i));
    }
    Evaluation.HeldOut none = Evaluation.HeldOut.ungrouped(List.of(a.get(0)));
    try (ArmRun ref =
        new ArmRun(
            "reference", Evaluation.packed(mix, 16), List.of(none), s, root, p -> {}, null)) {
      ref.advance(s.steps());
      DomainMixture source =
          new DomainMixture(
              List.of(Evaluation.packed(a, 16), Evaluation.packed(b, 16), Evaluation.packed(c, 16)),
              9);
      DoReMi doremi = new DoReMi(ref.model(), source, 128, new DoReMi.Settings(1.0, 1e-3));
      try (ArmRun proxy =
          new ArmRun("proxy", source, List.of(none), s.withSeed(4), root, p -> {}, doremi)) {
        proxy.advance(s.steps());
      }
      double[] alpha = doremi.averageAlpha();
      assertEquals(1.0, Arrays.stream(alpha).sum(), 1e-9);
      assertEquals(s.steps() + 1, doremi.alphas().size());
      assertTrue(alpha[2] < 0.2, "the noise domain is cut: " + Arrays.toString(alpha));
      assertTrue(alpha[0] > 1 / 3.0 || alpha[1] > 1 / 3.0, Arrays.toString(alpha));
    }
  }
}
