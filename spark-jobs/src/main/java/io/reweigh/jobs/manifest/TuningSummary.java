package io.reweigh.jobs.manifest;

import java.util.List;
import java.util.Map;

/**
 * What {@code reweigh tune} found (tuning/summary.json and the manifest's {@code tuning};
 * docs/tuning.md): the held-out split, DoReMi's learned mixture, the candidates and how far each
 * got in the search, the choice, and the choice against uniform on the reporting half.
 *
 * @param eval the --eval path as given
 * @param tuningHalf the held-out half every choice is made on
 * @param reportingHalf the other half, used only for the final report
 * @param mixture DoReMi's result, or null when it was skipped ({@code mixtureSkipped} says why)
 * @param search the successive-halving plan
 * @param candidates every candidate and its tuning-half losses at the rungs it reached
 * @param chosen the chosen candidate's name
 * @param report the chosen candidate and uniform, trained at every evaluate seed, measured on the
 *     reporting half (uniform first); ratios to uniform with intervals
 * @param verdict one plain sentence: is the choice better than uniform on the reporting half
 * @param tunedConf the config file that applies the choice, relative to the output folder
 * @param stageFingerprints the committed stages the search weighed ({@code reweigh run} keeps this
 *     summary while they stay the same)
 * @param runs full-length training runs spent (DoReMi, search, report)
 */
public record TuningSummary(
    String eval,
    EvaluationSummary.HeldOut tuningHalf,
    EvaluationSummary.HeldOut reportingHalf,
    Mixture mixture,
    String mixtureSkipped,
    Search search,
    List<CandidateResult> candidates,
    String chosen,
    List<EvaluationSummary.Arm> report,
    String verdict,
    String tunedConf,
    Map<String, String> stageFingerprints,
    double runs,
    double seconds) {

  /** The folder under the output that holds tune's files. */
  public static final String DIR = io.reweigh.core.Columns.TUNING_DIR;

  /**
   * DoReMi's mixture: per domain (sorted), its share of the tokens under the run's weights, the
   * learned share (the mean of α over the proxy's steps), and its last α and excess loss.
   */
  public record Mixture(
      List<String> domains,
      List<Double> current,
      List<Double> learned,
      List<Double> finalAlpha,
      List<Double> finalExcess,
      int steps,
      double eta,
      double epsilon,
      String curves) {}

  /** Rung steps, candidates entering each rung, seeds per candidate, runs spent. */
  public record Search(List<Integer> rungSteps, List<Integer> survivors, int seeds, double runs) {}

  /**
   * A candidate: its exponents and mixture, and the mean tuning-half held-out loss over the seeds
   * at each rung it reached ({@code rungLoss.size()} rungs).
   */
  public record CandidateResult(
      String name,
      Map<String, Double> alphas,
      Map<String, Double> mixture,
      List<Double> rungLoss,
      boolean chosen) {}
}
