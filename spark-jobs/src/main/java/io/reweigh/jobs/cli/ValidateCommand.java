package io.reweigh.jobs.cli;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.jobs.Preflight;
import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.Validation;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.InputPlanner;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reweigh validate}: config, input and the rows that would be rejected, nothing written. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Check config and input (files, schema, rows that would be rejected) without writing anything.")
public final class ValidateCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "PATH")
  String input;

  @CommandLine.Mixin ConfigOptions.Mixin opts;

  @Override
  public Integer call() {
    ResolvedConfig cfg = opts.config();
    SparkSession spark = Sessions.create(opts.master);
    InputPlan plan = InputPlanner.plan(input, cfg, spark.sparkContext().hadoopConfiguration());
    Preflight.checkSamplerConfig(spark, cfg);
    Ingest.Settings settings = Ingest.plan(cfg);
    Ingest.Classified c = Ingest.classified(spark, plan, settings);
    Ingest.checkFiles(c.rows(), plan, settings);
    Counts n = Counts.of(c.rows());
    System.out.printf(
        Locale.ROOT,
        "input: %s (%d %s files, %,d bytes)%n%nconfig: ok (%d keys; * = not the default)%n%s%n"
            + "rows: %,d, usable %,d (%,d tokens), would be rejected %,d%n%s%n%s",
        input,
        plan.files().length,
        plan.format(),
        plan.fingerprint().totalBytes(),
        cfg.asMap().size(),
        Validation.configTable(cfg),
        c.inputRows(),
        n.usable,
        n.tokens,
        n.rejected,
        n.reasons,
        Validation.estimates(cfg, plan.fingerprint().totalBytes(), n.usable, n.tokens));
    if (n.usable + n.rejected != c.inputRows()) {
      System.err.println("reweigh: error: row accounting failed in validation");
      return 1;
    }
    return 0;
  }

  /** Usable rows and their tokens, rejected rows, and one line per reject label (most first). */
  private static final class Counts {
    long usable;
    long rejected;
    long tokens;
    final StringBuilder reasons = new StringBuilder();

    static Counts of(Dataset<Row> rows) {
      Counts n = new Counts();
      for (Row r :
          rows.groupBy(functions.col(Columns.REJECT_REASON).as("r"))
              .agg(
                  functions.count(functions.lit(1)).as("count"),
                  functions.sum(functions.col(Columns.N_TOKENS)).as("tokens"))
              .orderBy(functions.col("count").desc(), functions.col("r"))
              .collectAsList()) {
        if (r.isNullAt(0)) {
          n.usable += r.getLong(1);
          n.tokens += r.isNullAt(2) ? 0 : r.getLong(2);
        } else {
          n.rejected += r.getLong(1);
          n.reasons.append(
              String.format(Locale.ROOT, "  %-40s %,d%n", r.getString(0), r.getLong(1)));
        }
      }
      return n;
    }
  }
}
