package io.reweigh.jobs.cli;

import io.reweigh.core.Columns;
import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.report.Report;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** {@code reweigh report}. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Regenerate report.html of a finished output from its manifest and tables.")
public final class ReportCommand extends FinishedOutput implements Callable<Integer> {
  @Override
  public Integer call() {
    SparkSession spark = Sessions.create(master);
    var out = open(spark);
    Report.write(spark, out, Report.readManifest(out));
    System.out.println("wrote " + out.resolve(Columns.REPORT));
    return 0;
  }
}
