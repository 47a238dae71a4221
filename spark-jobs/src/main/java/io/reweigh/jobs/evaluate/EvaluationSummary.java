package io.reweigh.jobs.evaluate;

import java.util.List;

/**
 * What {@code reweigh evaluate} measured (evaluation/summary.json and the manifest's {@code
 * evaluation}); the curves themselves are in {@code evaluation/curves.csv}.
 *
 * @param eval the --eval path as given
 * @param evalRows input rows of --eval; {@code evalRejectedRows} of them failed the run's input
 *     checks
 * @param leakedDocuments held-out documents whose exact text is also a training document: left out
 *     of every score, {@code leakedExamples} names up to five (file:row)
 * @param evalDocuments held-out documents scored, {@code evalTokens} their next-token predictions
 * @param shardSet the shard set whose weights the arms draw by
 * @param baseline the arm every ratio is relative to (uniform)
 */
public record EvaluationSummary(
    String eval,
    long evalRows,
    long evalRejectedRows,
    long leakedDocuments,
    List<String> leakedExamples,
    long evalDocuments,
    long evalTokens,
    String shardSet,
    int steps,
    int batch,
    int context,
    long budgetTokens,
    long seed,
    String model,
    String baseline,
    List<Arm> arms,
    String curves,
    double seconds) {

  /**
   * One arm. {@code drawnFrom} says which rows it draws from and by which column; {@code documents}
   * rows could be drawn, {@code drawn} draws were made (with replacement), packed into {@code
   * streamTokens} ids that training went through {@code passes} times. {@code stepsToBaseline} is
   * the (interpolated) step at which its held-out loss first reached the baseline's final loss,
   * null when it never did; {@code stepsRatio} divides it by the baseline's own.
   */
  public record Arm(
      String name,
      String drawnFrom,
      long documents,
      long drawn,
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
