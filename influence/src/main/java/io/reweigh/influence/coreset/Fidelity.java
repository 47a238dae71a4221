package io.reweigh.influence.coreset;

import io.reweigh.core.weights.RankCorrelation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How well the coreset stood in for full scoring (docs/coreset.md, step 6): Spearman of propagated
 * vs true weights on a sample scored in full, and the coreset stage's time against the estimated
 * time to score every document. Seconds are rounded to milliseconds.
 *
 * @param spearman null with fewer than 2 documents
 * @param timeRatio null when the estimate is 0
 */
public record Fidelity(
    int docs,
    Double spearman,
    double seconds,
    double fullScoringSecondsEstimate,
    double coresetStageSeconds,
    double coresetScoringSeconds,
    Double timeRatio) {

  /**
   * From the sample's propagated weights and true self-influence (ranked as the phase's temperature
   * {@code tau} × SI, whose ranks the true PRESENCE weight has), the seconds the sample took to
   * score, the corpus size {@code n} and the coreset stage's and coreset scoring's seconds.
   */
  public static Fidelity of(
      double[] propagated,
      double[] trueSi,
      double tau,
      double seconds,
      long n,
      double stageSeconds,
      double coresetScoringSeconds) {
    int docs = propagated.length;
    double[] exact = new double[docs];
    for (int i = 0; i < docs; i++) {
      exact[i] = tau * trueSi[i];
    }
    double full = docs == 0 ? 0 : seconds / docs * n;
    return new Fidelity(
        docs,
        docs < 2 ? null : RankCorrelation.spearman(propagated, exact),
        millis(seconds),
        millis(full),
        millis(stageSeconds),
        millis(coresetScoringSeconds),
        full == 0 ? null : stageSeconds / full);
  }

  private static double millis(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /** The stage stats' "validation" entry. */
  public Map<String, Object> toStats() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("docs", docs);
    v.put("spearman", spearman);
    v.put("seconds", seconds);
    v.put("full_scoring_seconds_estimate", fullScoringSecondsEstimate);
    v.put("coreset_stage_seconds", coresetStageSeconds);
    v.put("coreset_scoring_seconds", coresetScoringSeconds);
    v.put("time_ratio", timeRatio);
    return v;
  }
}
