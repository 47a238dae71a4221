package io.reweigh.jobs.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One setting {@code reweigh tune} tries (docs/tuning.md): an exponent per signal ({@code
 * sampler.alpha.<signal>}) and optionally a domain mixture ({@code sampler.domain-targets} as
 * shares of weighted tokens). No Spark.
 *
 * @param name how tables and files call it ("uniform", "current", "mixture", "mixture α
 *     commonness=0.5", …)
 * @param alphas signal → exponent, in the order of the run's stages
 * @param mixture domain → share of the tokens, or null for no domain targets
 */
public record Candidate(
    String name, Map<String, Double> alphas, SortedMap<String, Double> mixture) {
  public static final String UNIFORM = "uniform";
  public static final String CURRENT = "current";
  public static final String MIXTURE = "mixture";
  public static final String HELD_OUT_MIX = "held-out mix";

  public Candidate {
    alphas = Collections.unmodifiableMap(new LinkedHashMap<>(alphas));
    mixture = mixture == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(mixture));
  }

  /** Whether its mixture is the one DoReMi learns (replaced once it is learned). */
  public boolean learnsMixture() {
    return mixture != null && name.startsWith(MIXTURE);
  }

  /** Every exponent 0 and no mixture: each document alike. */
  public boolean isUniform() {
    return mixture == null && alphas.values().stream().allMatch(a -> a == 0);
  }

  /**
   * The candidates, at most {@code max}: uniform; the run's own exponents ("current", when they are
   * not all 0); with a learned mixture, the mixture alone and the mixture with the run's exponents;
   * with the held-out set's own domain mix ({@code heldOutMix}, null: none), that mix with the
   * run's exponents; then a sample (seeded) of the rest of the grid — every combination of each
   * signal's exponents in {@code grid} ∪ {0, the run's value}, with the learned mixture when there
   * is one.
   */
  public static List<Candidate> of(
      Map<String, Double> current,
      List<Double> grid,
      SortedMap<String, Double> mixture,
      SortedMap<String, Double> heldOutMix,
      int max,
      long seed) {
    List<Candidate> anchors = new ArrayList<>();
    Map<String, Double> zero = new LinkedHashMap<>();
    current.keySet().forEach(s -> zero.put(s, 0.0));
    anchors.add(new Candidate(UNIFORM, zero, null));
    boolean currentIsUniform = current.values().stream().allMatch(a -> a == 0);
    if (!currentIsUniform) {
      anchors.add(new Candidate(CURRENT, current, null));
    }
    List<Map<String, Double>> combos = combinations(current, grid);
    List<Candidate> rest = new ArrayList<>();
    if (mixture != null) {
      anchors.add(new Candidate(MIXTURE, zero, mixture));
      if (!currentIsUniform) {
        anchors.add(new Candidate(label(MIXTURE, current), current, mixture));
      }
      for (Map<String, Double> a : combos) {
        if (!a.equals(zero) && !a.equals(current)) {
          rest.add(new Candidate(label(MIXTURE, a), a, mixture));
        }
      }
    }
    if (heldOutMix != null) {
      anchors.add(new Candidate(label(HELD_OUT_MIX, current), current, heldOutMix));
    }
    if (mixture == null) {
      for (Map<String, Double> a : combos) {
        if (!a.equals(zero) && !a.equals(current)) {
          rest.add(new Candidate(label(null, a), a, null));
        }
      }
    }
    // a seeded shuffle (Fisher–Yates) of the rest, then the first ones that fit
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = rest.size() - 1; i > 0; i--) {
      Collections.swap(rest, i, r.nextInt(i + 1));
    }
    List<Candidate> out = new ArrayList<>(anchors.subList(0, Math.min(max, anchors.size())));
    for (Candidate c : rest) {
      if (out.size() >= max) {
        break;
      }
      out.add(c);
    }
    return List.copyOf(out);
  }

  /** Every combination of the signals' exponents, in a fixed order. */
  static List<Map<String, Double>> combinations(Map<String, Double> current, List<Double> grid) {
    List<Map<String, Double>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (Map.Entry<String, Double> s : current.entrySet()) {
      java.util.TreeSet<Double> values = new java.util.TreeSet<>(grid);
      values.add(0.0);
      values.add(s.getValue());
      List<Map<String, Double>> next = new ArrayList<>();
      for (Map<String, Double> partial : out) {
        for (double v : values) {
          Map<String, Double> m = new LinkedHashMap<>(partial);
          m.put(s.getKey(), v);
          next.add(m);
        }
      }
      out = next;
    }
    return out;
  }

  /** "mixture α commonness=0.5 influence=2" or "α commonness=0.5". */
  static String label(String prefix, Map<String, Double> alphas) {
    StringBuilder sb = new StringBuilder(prefix == null ? "" : prefix + " ");
    sb.append("α");
    alphas.forEach(
        (s, a) ->
            sb.append(' ')
                .append(s)
                .append('=')
                .append(
                    a == Math.rint(a)
                        ? String.valueOf((long) (double) a)
                        : String.format(Locale.ROOT, "%s", a)));
    return sb.toString();
  }
}
