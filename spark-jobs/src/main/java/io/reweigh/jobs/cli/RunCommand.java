package io.reweigh.jobs.cli;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.jobs.Pipeline;
import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.stage.Progress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reweigh run}. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Score the input and write weighted shards, manifest.json and report.html.")
public final class RunCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      paramLabel = "PATH",
      description = "File, directory or glob (local, hdfs://, s3a://).")
  String input;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "Output directory; committed stages are reused.")
  String output;

  @Option(
      names = "--force",
      description = "Recompute every stage even if its committed result is current.")
  boolean force;

  @CommandLine.Mixin ConfigOptions.Mixin opts;

  @Override
  public Integer call() {
    ResolvedConfig cfg = opts.config();
    Progress progress = opts.progress();
    SparkSession spark = Sessions.create(opts.master);
    progress.attach(spark.sparkContext());
    Pipeline.Summary s =
        Pipeline.run(spark, new Pipeline.Options(input, output, cfg, force), progress);
    printSummary(System.out, s);
    return 0;
  }

  /** The lines a finished run prints (run and demo). */
  static void printSummary(PrintStream out, Pipeline.Summary s) {
    Manifest.Counts c = s.counts();
    out.printf(
        Locale.ROOT,
        "%nreweigh: done in %s s%n  input rows    %,d%n  output rows   %,d in %d shard(s) (%,d rows)%n  unsampled     %,d%n  rejected rows %,d %s%n  output        %s%n  manifest      %s/%s%n  report        %s/%s%n",
        s.manifest().seconds(),
        c.inputRows(),
        c.outputRows(),
        s.shards().size(),
        c.shardRows(),
        c.unsampledRows(),
        c.rejectedRows(),
        c.rejectedByReason(),
        s.outputDir(),
        s.outputDir(),
        Columns.MANIFEST,
        s.outputDir(),
        Columns.REPORT);
  }
}
