package io.reweigh.jobs.evaluate;

import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.influence.evaluate.SeedInterval;
import io.reweigh.jobs.manifest.EvaluationSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per-seed training curves to the summary's arms (docs/evaluation.md, "Seeds and intervals"): every
 * ratio is taken within a seed (the arm's run against the baseline's run of the same seed) and then
 * summarised across seeds by {@link SeedInterval}. No Spark.
 */
public final class ArmResults {
  private ArmResults() {}

  /** The verdict of the baseline arm against itself. */
  public static final String BASELINE = "baseline";

  /** An arm's runs, one per seed in the order of the seeds. */
  public record ArmRuns(
      String name,
      String drawnFrom,
      long documents,
      List<Evaluation.ArmCurve> curves,
      List<ArmDraws.Drawn> draws) {}

  public static List<EvaluationSummary.Arm> summarize(
      List<ArmRuns> arms, String baseline, List<Long> seeds, List<String> domains) {
    ArmRuns base = arms.stream().filter(a -> a.name().equals(baseline)).findFirst().orElseThrow();
    int n = seeds.size();
    double[] target = new double[n];
    Double[] baseSteps = new Double[n];
    for (int i = 0; i < n; i++) {
      target[i] = base.curves().get(i).last().evalLoss();
      baseSteps[i] = Evaluation.stepsToReach(base.curves().get(i).points(), target[i]);
    }
    List<EvaluationSummary.Arm> out = new ArrayList<>();
    for (ArmRuns a : arms) {
      boolean isBase = a == base;
      List<EvaluationSummary.Run> runs = new ArrayList<>();
      double[] lossDiff = new double[n];
      double logPpl = 0;
      List<Double> stepRatios = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Evaluation.ArmCurve c = a.curves().get(i);
        ArmDraws.Drawn d = a.draws().get(i);
        Double reach = Evaluation.stepsToReach(c.points(), target[i]);
        Double ratio =
            reach == null || baseSteps[i] == null || baseSteps[i] == 0
                ? null
                : reach / baseSteps[i];
        if (ratio != null) {
          stepRatios.add(ratio);
        }
        Evaluation.Point best =
            c.points().stream()
                .min(Comparator.comparingDouble(Evaluation.Point::evalLoss))
                .orElseThrow();
        lossDiff[i] = c.last().evalLoss() - target[i];
        logPpl += c.last().evalLoss() / n;
        runs.add(
            new EvaluationSummary.Run(
                seeds.get(i),
                d.drawn(),
                d.drawnDocuments(),
                c.streamTokens(),
                c.passes(),
                c.last().evalLoss(),
                c.last().perplexity(),
                Math.exp(lossDiff[i]),
                best.perplexity(),
                best.step(),
                reach,
                ratio));
      }
      EvaluationSummary.Ratio steps =
          stepRatios.size() < n
              ? null
              : isBase
                  ? baselineRatio()
                  : ratio(
                      SeedInterval.ofValues(
                          stepRatios.stream().mapToDouble(Double::doubleValue).toArray()));
      List<EvaluationSummary.Domain> perDomain = domains(a, base, domains, n);
      out.add(
          new EvaluationSummary.Arm(
              a.name(),
              a.drawnFrom(),
              a.documents(),
              Math.exp(logPpl),
              isBase ? baselineRatio() : ratio(SeedInterval.ofLogRatios(lossDiff)),
              steps,
              stepRatios.size(),
              perDomain,
              runs));
    }
    return out;
  }

  /** Each held-out domain's perplexity (geometric mean over seeds) and per-seed ratio. */
  private static List<EvaluationSummary.Domain> domains(
      ArmRuns a, ArmRuns base, List<String> domains, int n) {
    List<EvaluationSummary.Domain> out = new ArrayList<>();
    for (int g = 0; g < domains.size(); g++) {
      double[] d = new double[n];
      double mean = 0;
      for (int i = 0; i < n; i++) {
        double own = a.curves().get(i).last().groupLoss().get(g);
        d[i] = own - base.curves().get(i).last().groupLoss().get(g);
        mean += own / n;
      }
      out.add(
          new EvaluationSummary.Domain(
              domains.get(g),
              Math.exp(mean),
              a == base ? baselineRatio() : ratio(SeedInterval.ofLogRatios(d))));
    }
    return out;
  }

  private static EvaluationSummary.Ratio ratio(SeedInterval s) {
    return new EvaluationSummary.Ratio(s.mean(), s.low(), s.high(), s.verdict().label());
  }

  private static EvaluationSummary.Ratio baselineRatio() {
    return new EvaluationSummary.Ratio(1, 1, 1, BASELINE);
  }
}
