package io.reweigh.jobs.manifest;

import java.util.List;

/**
 * What {@code reweigh evaluate} measured (evaluation/summary.json and the manifest's {@code
 * evaluation}); the curves themselves are in {@code evaluation/curves.csv}. Every arm trained once
 * per seed; ratios to the baseline are per seed (same seed, same initial model, same held-out
 * windows) and summarised by their mean and 95% interval across the seeds.
 *
 * @param eval the --eval path as given
 * @param heldOut what was read, left out and sampled
 * @param shardSet the shard set whose weights the arms draw by
 * @param seeds the seeds, one training run of every arm each
 * @param baseline the arm every ratio is relative to (uniform)
 */
public record EvaluationSummary(
    String eval,
    HeldOut heldOut,
    String shardSet,
    int steps,
    int batch,
    int context,
    long budgetTokens,
    List<Long> seeds,
    String model,
    String baseline,
    List<Arm> arms,
    String curves,
    double seconds) {

  /**
   * The held-out set: {@code rows} input rows, {@code rejectedRows} failed the run's input checks,
   * {@code leakedDocuments} were also training documents (left out, up to five named), {@code
   * documents} usable ones holding {@code tokens} next-token predictions, of which {@code
   * sampledTokens} in {@code sampledWindows} windows of {@code sampledDocuments} documents were
   * scored (a sample seeded by {@code sampleSeed}); {@code domains} the groups of per-domain
   * results (empty when the held-out set has no domain column).
   */
  public record HeldOut(
      long rows,
      long rejectedRows,
      long leakedDocuments,
      List<String> leakedExamples,
      long documents,
      long tokens,
      long sampledDocuments,
      long sampledWindows,
      long sampledTokens,
      long sampleSeed,
      List<String> domains) {}

  /**
   * A ratio to the baseline across seeds: mean (geometric for perplexity) and 95% interval, with
   * what it says ({@link io.reweigh.influence.evaluate.SeedInterval.Verdict}'s label, or {@code
   * baseline} for the baseline itself).
   */
  public record Ratio(double mean, double low, double high, String verdict) {}

  /**
   * One arm. {@code drawnFrom} says which rows it draws from and by which column; {@code documents}
   * rows could be drawn. {@code finalPerplexity} is the geometric mean over seeds; {@code
   * perplexityRatio} its ratio to the baseline's; {@code stepsRatio} the steps it needed to reach
   * the baseline's final held-out loss ÷ the baseline's own (null unless reached at every seed,
   * {@code stepsReached} says at how many); {@code domains} the per-domain perplexity ratios.
   */
  public record Arm(
      String name,
      String drawnFrom,
      long documents,
      double finalPerplexity,
      Ratio perplexityRatio,
      Ratio stepsRatio,
      int stepsReached,
      List<Domain> domains,
      List<Run> runs) {}

  /** An arm's held-out perplexity on one domain (geometric mean over seeds) and ratio. */
  public record Domain(String domain, double perplexity, Ratio ratio) {}

  /**
   * One training run of an arm: {@code drawn} chunk copies from {@code drawnDocuments} documents,
   * packed into {@code streamTokens} ids that training went through {@code passes} times; its final
   * and best held-out perplexity; {@code stepsToBaseline} the (interpolated) step at which its
   * held-out loss first reached the same seed's baseline final loss (null when never), and {@code
   * stepsRatio} that ÷ the baseline's own.
   */
  public record Run(
      long seed,
      long drawn,
      long drawnDocuments,
      long streamTokens,
      int passes,
      double finalLoss,
      double finalPerplexity,
      double perplexityRatio,
      double bestPerplexity,
      int bestStep,
      Double stepsToBaseline,
      Double stepsRatio) {}
}
