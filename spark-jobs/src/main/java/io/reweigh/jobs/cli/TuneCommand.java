package io.reweigh.jobs.cli;

import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.OutputLock;
import io.reweigh.jobs.stage.Progress;
import io.reweigh.jobs.tune.Tune;
import io.reweigh.jobs.tune.TuneTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reweigh tune}. */
@Command(
    name = "tune",
    mixinStandardHelpOptions = true,
    description =
        "Find weights that help on held-out text: DoReMi's domain mixture (with a domain column),"
            + " then the signals' exponents by successive halving, chosen on one half of the"
            + " held-out documents and reported on the other; writes tuning/tuned.conf for"
            + " reweigh run -c.")
public final class TuneCommand implements Callable<Integer> {
  @CommandLine.Parameters(paramLabel = "OUT", description = "Output folder of a finished run.")
  String output;

  @Option(
      names = "--eval",
      required = true,
      paramLabel = "PATH",
      description =
          "Held-out documents (JSONL or Parquet, the run's text field) like the text the model"
              + " should be good at; split by a seeded hash of id into a tuning and a reporting"
              + " half.")
  String eval;

  @Option(names = "--steps", paramLabel = "N", description = "Training steps per run.")
  Integer steps;

  /** The run's config comes from OUT/manifest.json; --set changes evaluate.*, tune.* on top. */
  @CommandLine.Mixin SetOptions opts;

  @Override
  public Integer call() {
    List<String> sets = new ArrayList<>();
    if (steps != null) {
      sets.add("evaluate.steps=" + steps);
    }
    sets.addAll(opts.sets);
    Progress progress = opts.progress();
    SparkSession spark = Sessions.create(opts.master);
    progress.attach(spark.sparkContext());
    var out = new OutputDir(output, spark.sparkContext().hadoopConfiguration());
    try (var lock = OutputLock.acquire(out, "reweigh tune")) {
      var r = Tune.run(spark, out, eval, sets, progress);
      System.out.print(TuneTable.of(r.summary(), out));
    }
    return 0;
  }
}
