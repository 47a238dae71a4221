package io.reweigh.jobs;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.config.EvaluateKeys;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.error.ReweighException;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.InputPlanner;
import io.reweigh.jobs.stage.Progress;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reweigh command line: demo, run, validate, report, explain, evaluate, tune, generate,
 * config-doc.
 */
@Command(
    name = "reweigh",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Distributed pretraining-data reweighting on Apache Spark.",
    subcommands = {
      Main.Demo.class,
      Main.Run.class,
      Main.Validate.class,
      Main.Generate.class,
      Main.ReportCommand.class,
      Main.ExplainCommand.class,
      Main.EvaluateCommand.class,
      Main.TuneCommand.class,
      Main.ConfigDoc.class
    },
    exitCodeOnInvalidInput = 2,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:internal error", "2:usage or config error", "3:input error"})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    Interrupt.install();
    int code = execute(args, System.out, System.err);
    if (Interrupt.requested()) {
      return; // the JVM is already exiting (130); System.exit would wait for the hooks forever
    }
    System.exit(code);
  }

  /** Runs the CLI without exiting the JVM (tests, embedding). */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          if (Interrupt.requested()) {
            err.println(
                "reweigh: interrupted; committed stages are kept, the same command resumes.");
            return 130;
          }
          ReweighException re = find(ex);
          if (re == null) {
            re = Failures.classify(ex);
          }
          if (re != null) {
            err.println("reweigh: error: " + re.getMessage());
            return re.exitCode();
          }
          err.println("reweigh: internal error: " + ex);
          ex.printStackTrace(err);
          return 1;
        });
    return cl.execute(args);
  }

  static ReweighException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ReweighException r) {
        return r;
      }
    }
    return null;
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }

  /** Version from the build. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"reweigh " + io.reweigh.core.Version.get()};
    }
  }

  /** Where Spark runs and how much progress to print. */
  static class SessionOptions {
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

  /** --set KEY=VALUE, repeatable. */
  static class SetOptions extends SessionOptions {
    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description = "Override one config key; VALUE is HOCON (e.g. --set softdedup.order=5).")
    List<String> sets = new ArrayList<>();
  }

  /** Options shared by commands that read config. */
  static class ConfigOptions extends SetOptions {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "HOCON config file (see conf/reweigh.conf and docs/config.md).")
    File configFile;

    ResolvedConfig config() {
      return ConfigLoader.load(configFile, sets);
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Score the input and write weighted shards, manifest.json and report.html.")
  static final class Run implements Callable<Integer> {
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

    @CommandLine.Mixin ConfigOptionsMixin opts;

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
  }

  /** Commands that read a finished output: OUT and --master. */
  abstract static class FinishedOutput {
    @CommandLine.Parameters(paramLabel = "OUT", description = "Output folder of a finished run.")
    String output;

    @Option(
        names = "--master",
        paramLabel = "URL",
        description = "Spark master (default local[*]).")
    String master;

    io.reweigh.jobs.stage.OutputDir open(SparkSession spark) {
      return new io.reweigh.jobs.stage.OutputDir(
          output, spark.sparkContext().hadoopConfiguration());
    }
  }

  /** picocli mixin wrapper for ConfigOptions. */
  static final class ConfigOptionsMixin extends ConfigOptions {}

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description =
          "Check config and input (files, schema, rows that would be rejected) without writing anything.")
  static final class Validate implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "PATH")
    String input;

    @CommandLine.Mixin ConfigOptionsMixin opts;

    @Override
    public Integer call() {
      ResolvedConfig cfg = opts.config();
      SparkSession spark = Sessions.create(opts.master);
      InputPlan plan = InputPlanner.plan(input, cfg, spark.sparkContext().hadoopConfiguration());
      Pipeline.checkSamplerConfig(spark, cfg);
      Ingest.Classified c = Ingest.classified(spark, plan, cfg);
      Ingest.checkFiles(c.rows(), plan, cfg);
      long usable = 0;
      long rejected = 0;
      long tokens = 0;
      StringBuilder reasons = new StringBuilder();
      for (Row r :
          c.rows()
              .groupBy(
                  functions
                      .trim(
                          functions.regexp_extract(
                              functions.col(Columns.REJECT_REASON), "^[^(]*", 0))
                      .as("r"))
              .agg(
                  functions.count(functions.lit(1)).as("count"),
                  functions.sum(functions.col(Columns.N_TOKENS)).as("tokens"))
              .orderBy(functions.col("count").desc(), functions.col("r"))
              .collectAsList()) {
        if (r.isNullAt(0)) {
          usable += r.getLong(1);
          tokens += r.isNullAt(2) ? 0 : r.getLong(2);
        } else {
          rejected += r.getLong(1);
          reasons.append(String.format(Locale.ROOT, "  %-40s %,d%n", r.getString(0), r.getLong(1)));
        }
      }
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
          usable,
          tokens,
          rejected,
          reasons,
          Validation.estimates(cfg, plan.fingerprint().totalBytes(), usable, tokens));
      if (usable + rejected != c.inputRows()) {
        System.err.println("reweigh: error: row accounting failed in validation");
        return 1;
      }
      return 0;
    }
  }

  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description =
          "Generate a seeded demo corpus (3 domains, planted duplicates, boilerplate, noise, bad rows)"
              + " and run the whole pipeline on it in local mode.")
  static final class Demo implements Callable<Integer> {
    static final int DEMO_TRAIN_STEPS = 120;

    @Option(
        names = "--output",
        paramLabel = "DIR",
        defaultValue = "reweigh-demo",
        description = "Demo folder (input/ and output/ inside). Default: ${DEFAULT-VALUE}")
    String dir;

    @Option(
        names = "--docs",
        defaultValue = "6000",
        description = "Documents to generate. Default: ${DEFAULT-VALUE}")
    int docs;

    @Option(
        names = "--seed",
        defaultValue = "0",
        description = "Seed of the corpus and the run. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--force", description = "Recompute every stage.")
    boolean force;

    @CommandLine.Mixin ConfigOptionsMixin opts;

    @Override
    public Integer call() throws IOException {
      if (docs < 10) {
        throw io.reweigh.core.error.PipelineErrors.usage(
            "--docs must be at least 10 (got " + docs + ").",
            "Pass --docs 5000 or more for a meaningful demo.");
      }
      Path root = Path.of(dir).toAbsolutePath();
      Path input = root.resolve("input");
      String marker =
          "docs=" + docs + " seed=" + seed + " version=" + io.reweigh.core.Version.get() + "\n";
      Path markerFile = input.resolve("_DEMO");
      if (!Files.exists(markerFile) || !Files.readString(markerFile).equals(marker)) {
        deleteTree(input);
        new DemoCorpus(seed).writeJsonl(input, docs, 3, DemoCorpus.DEFAULT_BAD_ROWS);
        Files.writeString(markerFile, marker, StandardCharsets.UTF_8);
      }
      List<String> sets = new ArrayList<>();
      sets.add("input.max-doc-chars=" + (DemoCorpus.TOO_LONG_CHARS - 1));
      ResolvedConfig asked = ConfigLoader.load(opts.configFile, opts.sets);
      if (asked.get(Keys.SAMPLER_SHARD_ROWS) == null
          && asked.get(Keys.SAMPLER_SHARD_BYTES) == null
          && asked.get(Keys.SAMPLER_SHARD_TOKENS) == null) {
        sets.add("sampler.shard-rows=" + Math.max(100, docs / 4));
      }
      sets.add("sampler.seed=" + seed);
      // a demo-sized proxy LM run (the defaults train 500 steps on 20,000 documents)
      sets.add("influence.train-steps=" + DEMO_TRAIN_STEPS);
      sets.add("influence.train-docs=" + Math.min(docs, 3000));
      sets.add("influence.seed=" + seed);
      sets.addAll(opts.sets);
      ResolvedConfig cfg = ConfigLoader.load(opts.configFile, sets);
      Progress progress = opts.progress();
      progress.line(
          "demo corpus: "
              + docs
              + " docs (+"
              + DemoCorpus.DEFAULT_BAD_ROWS.total()
              + " bad rows) in "
              + input);
      SparkSession spark = Sessions.create(opts.master);
      progress.attach(spark.sparkContext());
      Pipeline.Summary s =
          Pipeline.run(
              spark,
              new Pipeline.Options(input.toString(), root.resolve("output").toString(), cfg, force),
              progress);
      printSummary(System.out, s);
      System.out.println("\nmean weight by planted label (lower = down-weighted):");
      for (Row r :
          spark
              .read()
              .parquet(root.resolve("output").resolve(Columns.SHARDS_DIR).toString())
              .groupBy("label")
              .agg(functions.count(functions.lit(1)), functions.avg(Columns.WEIGHT))
              .orderBy("label")
              .collectAsList()) {
        System.out.printf(
            Locale.ROOT,
            "  %-12s %6d docs  mean weight %.3f%n",
            r.getString(0),
            r.getLong(1),
            r.getDouble(2));
      }
      return 0;
    }
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description = "Regenerate report.html of a finished output from its manifest and tables.")
  static final class ReportCommand extends FinishedOutput implements Callable<Integer> {
    @Override
    public Integer call() {
      SparkSession spark = Sessions.create(master);
      var out = open(spark);
      io.reweigh.jobs.report.Report.write(
          spark, out, io.reweigh.jobs.report.Report.readManifest(out));
      System.out.println("wrote " + out.resolve(Columns.REPORT));
      return 0;
    }
  }

  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description =
          "Why a document got its weight: its scores, per-signal weights, final weight, rank,"
              + " percentile and shard, or why it was rejected or not sampled.")
  static final class ExplainCommand extends FinishedOutput implements Callable<Integer> {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "The document's id.")
    String id;

    @Override
    public Integer call() {
      SparkSession spark = Sessions.create(master);
      var out = open(spark);
      System.out.print(io.reweigh.jobs.report.Explain.explain(spark, out, id));
      return 0;
    }
  }

  @Command(
      name = "evaluate",
      mixinStandardHelpOptions = true,
      description =
          "Train the same small LM from scratch once per arm (uniform, weighted, a signal's weight,"
              + " resampled) with the same token budget and measure held-out perplexity: writes"
              + " evaluation/ and adds the result to manifest.json and report.html.")
  static final class EvaluateCommand implements Callable<Integer> {
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
      var out =
          new io.reweigh.jobs.stage.OutputDir(output, spark.sparkContext().hadoopConfiguration());
      try (var lock = io.reweigh.jobs.stage.OutputLock.acquire(out, "reweigh evaluate")) {
        var r = io.reweigh.jobs.evaluate.Evaluate.run(spark, out, eval, sets, progress);
        System.out.print(io.reweigh.jobs.evaluate.EvaluationTable.of(r.summary(), out));
      }
      return 0;
    }
  }

  @Command(
      name = "tune",
      mixinStandardHelpOptions = true,
      description =
          "Find weights that help on held-out text: DoReMi's domain mixture (with a domain column),"
              + " then the signals' exponents by successive halving, chosen on one half of the"
              + " held-out documents and reported on the other; writes tuning/tuned.conf for"
              + " reweigh run -c.")
  static final class TuneCommand implements Callable<Integer> {
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
      var out =
          new io.reweigh.jobs.stage.OutputDir(output, spark.sparkContext().hadoopConfiguration());
      try (var lock = io.reweigh.jobs.stage.OutputLock.acquire(out, "reweigh tune")) {
        var r = io.reweigh.jobs.tune.Tune.run(spark, out, eval, sets, progress);
        System.out.print(io.reweigh.jobs.tune.TuneTable.of(r.summary(), out));
      }
      return 0;
    }
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description =
          "Write a seeded synthetic JSONL corpus (the demo's generator), e.g. for benchmarks.")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--output", required = true, paramLabel = "DIR")
    Path dir;

    @Option(names = "--docs", required = true)
    int docs;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--files", defaultValue = "8")
    int files;

    @Option(names = "--bad-rows", description = "Also write the demo's bad rows.")
    boolean badRows;

    @Override
    public Integer call() {
      long lines =
          new DemoCorpus(seed)
              .writeJsonl(dir, docs, files, badRows ? DemoCorpus.DEFAULT_BAD_ROWS : null);
      System.out.printf(Locale.ROOT, "wrote %,d lines to %s%n", lines, dir);
      return 0;
    }
  }

  @Command(
      name = "config-doc",
      mixinStandardHelpOptions = true,
      description = "Print the table of every config key (Markdown).")
  static final class ConfigDoc implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(configDoc());
      return 0;
    }
  }

  /** docs/config.md, generated from the registry. */
  public static String configDoc() {
    return "# Configuration keys\n\n"
        + "Generated from the registry (`reweigh config-doc`); do not edit by hand.\n"
        + "Precedence: `--set KEY=VALUE` > config file (`-c`, HOCON) > default. Unknown keys are errors.\n\n"
        + Keys.markdownTable();
  }

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

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
