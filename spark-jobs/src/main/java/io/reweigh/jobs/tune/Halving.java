package io.reweigh.jobs.tune;

import java.util.ArrayList;
import java.util.List;

/**
 * Successive halving (Jamieson and Talwalkar 2016; the inner loop of Hyperband): every candidate
 * trains to the first rung's steps, the better half goes on to twice the steps, and so on until the
 * last two train the full length, where the better one is chosen. Runs resume where they stopped,
 * so a rung costs only its extra steps. The plan spends at most {@code maxArms} full-length runs:
 * as many seeds per candidate as fit (common random numbers across candidates within a seed), at
 * least one. No Spark.
 *
 * @param rungSteps the step each rung trains to, the last the full length
 * @param survivors candidates entering each rung (the first: all of them)
 * @param seeds training seeds per candidate
 * @param runsPerSeed full-length run equivalents of one seed
 */
public record Halving(
    List<Integer> rungSteps, List<Integer> survivors, int seeds, double runsPerSeed) {

  /** Full-length runs the plan spends. */
  public double runs() {
    return seeds * runsPerSeed;
  }

  /**
   * The plan for {@code candidates} candidates and runs of {@code steps} steps: ⌈log₂ n⌉ rungs
   * ending at {@code steps} with two candidates, halving the candidates and doubling the steps from
   * rung to rung (no rung shorter than {@code minSteps}: fewer rungs then), as many seeds as {@code
   * maxArms} allows up to {@code maxSeeds}. Null when even one seed costs more than {@code
   * maxArms}.
   */
  public static Halving plan(
      int candidates, int steps, int minSteps, int maxSeeds, double maxArms) {
    if (candidates < 1) {
      throw new IllegalArgumentException("no candidates");
    }
    int rungs = 1;
    while ((2 << (rungs - 1)) < candidates) {
      rungs++;
    }
    while (rungs > 1 && steps >> (rungs - 1) < Math.max(1, minSteps)) {
      rungs--;
    }
    List<Integer> at = new ArrayList<>();
    List<Integer> alive = new ArrayList<>();
    for (int k = 0; k < rungs; k++) {
      at.add(k == rungs - 1 ? steps : steps >> (rungs - 1 - k));
      int n = (int) Math.ceil(candidates / (double) (1 << k));
      alive.add(k == rungs - 1 ? Math.min(n, Math.min(2, candidates)) : n);
    }
    double cost = 0;
    int before = 0;
    for (int k = 0; k < rungs; k++) {
      cost += alive.get(k) * (double) (at.get(k) - before) / steps;
      before = at.get(k);
    }
    int seeds = (int) Math.min(maxSeeds, Math.floor(maxArms / cost + 1e-9));
    if (seeds < 1) {
      return null;
    }
    return new Halving(List.copyOf(at), List.copyOf(alive), seeds, cost);
  }
}
