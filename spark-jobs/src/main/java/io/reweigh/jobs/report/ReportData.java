package io.reweigh.jobs.report;

import io.reweigh.jobs.manifest.Manifest;
import java.util.List;

/**
 * Everything report.html shows, gathered from a finished output (the manifest plus small Spark
 * aggregates of the shards, the score tables and rejects/) so that {@link ReportHtml} renders it
 * without Spark.
 *
 * @param docColumns headers of {@link Doc#values()}: each signal's score columns, then its weights
 * @param lowest the most down-weighted documents (lowest final weight first)
 * @param highest the most up-weighted documents (highest first)
 * @param labels mean weight per value of a {@code label} column, when the input has one (demo)
 * @param stageOrder the manifest's stages in the order a run computes them
 * @param lowestTies documents whose final weight equals the lowest (shown in id order)
 * @param highestTies documents whose final weight equals the highest
 * @param curves held-out perplexity per arm from evaluation/curves.csv (empty until {@code reweigh
 *     evaluate} ran)
 * @param tuningCurves tuning-half perplexity per candidate from tuning/curves.csv (empty until
 *     {@code reweigh tune} ran)
 */
public record ReportData(
    Manifest manifest,
    List<Histogram> histograms,
    List<Scatter> scatters,
    List<String> docColumns,
    List<Doc> lowest,
    List<Doc> highest,
    List<RejectExample> rejectExamples,
    List<Group> labels,
    List<String> stageOrder,
    long lowestTies,
    long highestTies,
    List<Curve> curves,
    List<Curve> tuningCurves) {

  /** Characters of a document's (or a rejected row's) text the report shows. */
  static final int SNIPPET_CHARS = 300;

  /** At most this many documents of the shards in each scatter plot (a seeded sample). */
  static final int SCATTER_POINTS = 1500;

  /** Example rows of rejects/ per reason. */
  static final int REJECT_EXAMPLES = 3;

  /** One arm's held-out perplexity after each measured step. */
  public record Curve(String arm, double[] steps, double[] perplexity) {}

  /** Bin counts of one column over [x.lo, x.hi] (log10 values on a log axis). */
  public record Histogram(String id, String title, Axis x, long[] bins, long rows) {}

  /** A seeded sample of (x, y) pairs in axis space. */
  public record Scatter(String id, String title, Axis x, Axis y, double[] xs, double[] ys) {}

  /**
   * One document of the most down- or up-weighted lists; snippet is its first {@link
   * #SNIPPET_CHARS} characters.
   */
  public record Doc(
      String id, String domain, long tokens, double weight, List<Double> values, String snippet) {}

  /** An example row of rejects/ for a reason (the label before any parenthesised detail). */
  public record RejectExample(
      String reason, String sourceFile, Long sourceRow, String id, String snippet) {}

  /** Documents and mean final weight of one group. */
  public record Group(String name, long documents, double meanWeight) {}
}
