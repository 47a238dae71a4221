package io.reweigh.jobs.cli;

import io.reweigh.jobs.stage.Progress;
import picocli.CommandLine.Option;

/** Where Spark runs and how much progress to print. */
class SessionOptions {
  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "Spark master (default: from spark-submit, else local[*]).")
  String master;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress lines on stderr (errors and the summary still print).")
  boolean quiet;

  @Option(
      names = {"-v", "--verbose"},
      description = "Every Spark job as it starts and task progress every second.")
  boolean verbose;

  Progress progress() {
    if (quiet && verbose) {
      throw io.reweigh.core.error.PipelineErrors.usage(
          "--quiet and --verbose were both given.", "Pass at most one of them.");
    }
    return new Progress(
        System.err,
        quiet ? Progress.Level.QUIET : verbose ? Progress.Level.VERBOSE : Progress.Level.NORMAL);
  }
}
