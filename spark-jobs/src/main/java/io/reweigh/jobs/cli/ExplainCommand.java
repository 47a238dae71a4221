package io.reweigh.jobs.cli;

import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.report.Explain;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reweigh explain}. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description =
        "Why a document got its weight: its scores, per-signal weights, final weight, rank,"
            + " percentile and shard, or why it was rejected or not sampled.")
public final class ExplainCommand extends FinishedOutput implements Callable<Integer> {
  @Option(names = "--id", required = true, paramLabel = "ID", description = "The document's id.")
  String id;

  @Override
  public Integer call() {
    SparkSession spark = Sessions.create(master);
    var out = open(spark);
    System.out.print(Explain.explain(spark, out, id));
    return 0;
  }
}
