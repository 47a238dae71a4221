package io.reweigh.jobs.cli;

import io.reweigh.core.config.EvaluateKeys;
import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.evaluate.Evaluate;
import io.reweigh.jobs.evaluate.EvaluationTable;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.OutputLock;
import io.reweigh.jobs.stage.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reweigh evaluate}. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Train the same small LM from scratch once per arm (uniform, weighted, a signal's weight,"
            + " resampled) with the same token budget and measure held-out perplexity: writes"
            + " evaluation/ and adds the result to manifest.json and report.html.")
public final class EvaluateCommand implements Callable<Integer> {
  @CommandLine.Parameters(paramLabel = "OUT", description = "Output folder of a finished run.")
  String output;

  @Option(
      names = "--eval",
      required = true,
      paramLabel = "PATH",
      description =
          "Held-out documents (JSONL or Parquet, the run's text field); any that also occur in"
              + " the training input are reported and left out.")
  String eval;

  @Option(names = "--steps", paramLabel = "N", description = "Training steps per arm.")
  Integer steps;

  @Option(
      names = "--seeds",
      paramLabel = "N",
      description =
          "Training runs per arm (evaluate.seeds, default 3): ratios get a 95% interval across"
              + " them.")
  Integer seeds;

  @Option(
      names = "--quick",
      description =
          "A quick look: one seed (no interval, not a verdict) and a quarter of the steps.")
  boolean quick;

  @Option(
      names = "--arms",
      paramLabel = "A,B,...",
      description = "uniform, weighted, a signal's name, resampled (default: uniform,weighted).")
  String arms;

  /** The run's config comes from OUT/manifest.json; --set changes evaluate.* keys on top. */
  @CommandLine.Mixin SetOptions opts;

  @Override
  public Integer call() {
    List<String> sets = new ArrayList<>();
    if (quick) {
      sets.add("evaluate.seeds=1");
      sets.add("evaluate.steps=" + Math.max(1, EvaluateKeys.EVAL_STEPS.defaultValue() / 4));
    }
    if (steps != null) {
      sets.add("evaluate.steps=" + steps);
    }
    if (seeds != null) {
      sets.add("evaluate.seeds=" + seeds);
    }
    if (arms != null) {
      sets.add("evaluate.arms=\"" + arms + "\"");
    }
    sets.addAll(opts.sets);
    Progress progress = opts.progress();
    SparkSession spark = Sessions.create(opts.master);
    progress.attach(spark.sparkContext());
    var out = new OutputDir(output, spark.sparkContext().hadoopConfiguration());
    try (var lock = OutputLock.acquire(out, "reweigh evaluate")) {
      var r = Evaluate.run(spark, out, eval, sets, progress);
      System.out.print(EvaluationTable.of(r.summary(), out));
    }
    return 0;
  }
}
