package io.reweigh.jobs.manifest;

import io.reweigh.core.stage.StageStats;
import io.reweigh.sampler.ShardSets;
import java.util.List;
import java.util.Map;

/**
 * manifest.json (docs/architecture.md, "Data contract"), written with snake_case names: version,
 * resolved config, input fingerprint, counts, per-stage stats, the shards and, once {@code reweigh
 * evaluate} ran, its summary (null until then), and once {@code reweigh tune} ran, its summary.
 */
public record Manifest(
    String version,
    String sparkVersion,
    String mode,
    Map<String, Object> config,
    Input input,
    Counts counts,
    Map<String, StageStats> stages,
    List<ShardSets.SetResult> shardSets,
    List<ShardSets.ShardInfo> shards,
    double seconds,
    EvaluationSummary evaluation,
    TuningSummary tuning) {

  /** This manifest with {@code reweigh evaluate}'s summary. */
  public Manifest withEvaluation(EvaluationSummary e) {
    return new Manifest(
        version,
        sparkVersion,
        mode,
        config,
        input,
        counts,
        stages,
        shardSets,
        shards,
        seconds,
        e,
        tuning);
  }

  /** This manifest with {@code reweigh tune}'s summary. */
  public Manifest withTuning(TuningSummary t) {
    return new Manifest(
        version,
        sparkVersion,
        mode,
        config,
        input,
        counts,
        stages,
        shardSets,
        shards,
        seconds,
        evaluation,
        t);
  }

  /** The input as planned: path as given, format, files, bytes and their fingerprint. */
  public record Input(String path, String format, int files, long bytes, String fingerprint) {}

  /**
   * The accounting invariant's terms: input rows = output rows (distinct documents in the shards) +
   * unsampled rows (resample mode: documents that drew no copy) + rejected rows ({@code
   * accountingOk}); rejects by reason; rows and tokens over all shards (with copies and phases).
   */
  public record Counts(
      long inputRows,
      long outputRows,
      long unsampledRows,
      long rejectedRows,
      Map<String, Long> rejectedByReason,
      long shardRows,
      long outputTokens,
      boolean accountingOk) {}
}
