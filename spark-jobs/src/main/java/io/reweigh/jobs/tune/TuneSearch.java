package io.reweigh.jobs.tune;

import ai.djl.ndarray.NDManager;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.influence.evaluate.ArmRun;
import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.jobs.evaluate.ArmDraws;
import io.reweigh.jobs.evaluate.ArmResults;
import io.reweigh.jobs.manifest.EvaluationSummary;
import io.reweigh.jobs.stage.TrainingProgress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search of {@code reweigh tune} (docs/tuning.md, "The search"): successive halving over the
 * candidates on the tuning half ({@link Halving}), every candidate's runs kept between rungs, then
 * the report — the choice and uniform at every evaluate seed, measured on the reporting half. The
 * choice never looks at the reporting half: each run measures both halves, the ranking reads the
 * first only.
 */
final class TuneSearch implements AutoCloseable {
  /** One candidate's run at one seed, kept between rungs. */
  record Key(int candidate, int seed) {}

  private final TuneDocs docs;
  private final double maxRatio;
  private final Evaluation.Settings s;
  private final List<Long> seeds;
  private final List<Evaluation.HeldOut> halves;
  private final Tokenizer tokenizer;
  private final NDManager root;
  private final TrainingProgress tp;

  final Map<Key, ArmRun> runs = new LinkedHashMap<>();
  final Map<Key, ArmDraws.Drawn> draws = new LinkedHashMap<>();

  /** Each run's curves on the tuning and the reporting half, as far as it trained. */
  final Map<Key, List<Evaluation.ArmCurve>> curves = new LinkedHashMap<>();

  /** Per candidate, the mean tuning-half loss over the seeds at each rung it reached. */
  final List<List<Double>> rungLoss = new ArrayList<>();

  private int chosen = -1;

  /** Steps the report trained beyond the search. */
  long reportSteps;

  /**
   * @param halves the tuning half, then the reporting half
   */
  TuneSearch(
      TuneDocs docs,
      double maxRatio,
      Evaluation.Settings s,
      List<Long> seeds,
      List<Evaluation.HeldOut> halves,
      Tokenizer tokenizer,
      NDManager root,
      TrainingProgress tp) {
    this.docs = docs;
    this.maxRatio = maxRatio;
    this.s = s;
    this.seeds = seeds;
    this.halves = halves;
    this.tokenizer = tokenizer;
    this.root = root;
    this.tp = tp;
  }

  /** The chosen candidate's index (after {@link #run}). */
  int chosen() {
    return chosen;
  }

  private void advance(Key key, ArmRun run, int to) {
    run.advance(to);
    curves.put(key, List.of(run.curve(0), run.curve(1)));
  }

  private void drop(int candidate) {
    runs.entrySet()
        .removeIf(
            e -> {
              if (e.getKey().candidate() == candidate) {
                e.getValue().close();
                return true;
              }
              return false;
            });
  }

  @Override
  public void close() {
    runs.values().forEach(ArmRun::close);
    runs.clear();
  }

  /** A candidate's run at a seed: its windows drawn (common random numbers), a fresh model. */
  private ArmRun start(Candidate c, int seedIndex, Key key) {
    long seed = seeds.get(seedIndex);
    ArmDraws.Drawn d =
        ArmDraws.draw(
            docs.pool(c, maxRatio),
            seed,
            s.budgetTokens(),
            s.shape().context(),
            s.shape().vocab(),
            tokenizer);
    draws.put(key, d);
    return new ArmRun(
        c.name(),
        Evaluation.packed(d.chunks(), s.shape().context()),
        halves,
        s.withSeed(seed),
        root,
        tp::point,
        null);
  }

  /** Trains {@code key}'s run (started if need be) to {@code to} steps. */
  private ArmRun trainTo(Candidate c, Key key, int to, String label) {
    ArmRun run = runs.get(key);
    tp.runStarted(label, run == null ? 0 : run.step());
    if (run == null) {
      run = start(c, key.seed(), key);
      runs.put(key, run);
    }
    advance(key, run, to);
    tp.runFinished(to);
    return run;
  }

  /** Successive halving: the better half of each rung goes on; the best of the last is chosen. */
  void run(List<Candidate> candidates, Halving plan) {
    List<Integer> alive = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      alive.add(i);
      rungLoss.add(new ArrayList<>());
    }
    for (int k = 0; k < plan.rungSteps().size(); k++) {
      int to = plan.rungSteps().get(k);
      for (int c : alive) {
        double sum = 0;
        for (int i = 0; i < plan.seeds(); i++) {
          Candidate cand = candidates.get(c);
          ArmRun run = trainTo(cand, new Key(c, i), to, cand.name() + " seed " + seeds.get(i));
          sum += run.curve(0).last().evalLoss();
        }
        rungLoss.get(c).add(sum / plan.seeds());
      }
      int rung = k;
      List<Integer> ranked = new ArrayList<>(alive);
      ranked.sort(
          java.util.Comparator.comparingDouble((Integer c) -> rungLoss.get(c).get(rung))
              .thenComparingInt(c -> c));
      if (k == plan.rungSteps().size() - 1) {
        chosen = ranked.get(0);
      } else {
        int keep = plan.survivors().get(k + 1);
        for (int c : ranked.subList(keep, ranked.size())) {
          drop(c);
        }
        alive = new ArrayList<>(ranked.subList(0, keep));
        alive.sort(null);
      }
    }
  }

  /**
   * The choice and uniform (candidate 0) at every evaluate seed, measured on the reporting half:
   * runs of the search that reached the full length are reused, the others trained now.
   */
  List<EvaluationSummary.Arm> report(List<Candidate> candidates) {
    Candidate choice = candidates.get(chosen);
    List<Integer> arms = new ArrayList<>(List.of(0));
    if (!choice.isUniform()) {
      arms.add(chosen);
    }
    List<ArmResults.ArmRuns> armRuns = new ArrayList<>();
    for (int c : arms) {
      Candidate cand = candidates.get(c);
      List<Evaluation.ArmCurve> reportCurves = new ArrayList<>();
      List<ArmDraws.Drawn> reportDraws = new ArrayList<>();
      for (int i = 0; i < seeds.size(); i++) {
        Key key = new Key(c, i);
        ArmRun run = runs.get(key);
        if (run == null || run.step() < s.steps()) {
          reportSteps += s.steps() - (run == null ? 0 : run.step());
          run = trainTo(cand, key, s.steps(), cand.name() + " seed " + seeds.get(i) + " (report)");
        }
        reportCurves.add(run.curve(1));
        reportDraws.add(draws.get(key));
      }
      armRuns.add(
          new ArmResults.ArmRuns(
              cand.name(),
              docs.pool(cand, maxRatio).drawnFrom(),
              docs.count(),
              reportCurves,
              reportDraws));
    }
    return ArmResults.summarize(armRuns, Candidate.UNIFORM, seeds, halves.get(1).groupNames());
  }
}
