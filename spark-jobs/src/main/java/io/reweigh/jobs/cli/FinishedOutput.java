package io.reweigh.jobs.cli;

import io.reweigh.jobs.stage.OutputDir;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Commands that read a finished output: OUT and --master. */
abstract class FinishedOutput {
  @CommandLine.Parameters(paramLabel = "OUT", description = "Output folder of a finished run.")
  String output;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*]).")
  String master;

  OutputDir open(SparkSession spark) {
    return new OutputDir(output, spark.sparkContext().hadoopConfiguration());
  }
}
