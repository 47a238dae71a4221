package io.reweigh.jobs.cli;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.jobs.Pipeline;
import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.stage.Progress;
import java.io.IOException;
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

/** {@code reweigh demo}: a seeded corpus and the whole pipeline on it. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Generate a seeded demo corpus (3 domains, planted duplicates, boilerplate, noise, bad rows)"
            + " and run the whole pipeline on it in local mode.")
public final class DemoCommand implements Callable<Integer> {
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

  @CommandLine.Mixin ConfigOptions.Mixin opts;

  @Override
  public Integer call() throws IOException {
    if (docs < 10) {
      throw io.reweigh.core.error.PipelineErrors.usage(
          "--docs must be at least 10 (got " + docs + ").",
          "Pass --docs 5000 or more for a meaningful demo.");
    }
    Path root = Path.of(dir).toAbsolutePath();
    Path input = root.resolve("input");
    writeCorpus(input);
    ResolvedConfig cfg = ConfigLoader.load(opts.configFile, demoSets());
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
    RunCommand.printSummary(System.out, s);
    printMeanWeights(spark, root.resolve("output").resolve(Columns.SHARDS_DIR));
    return 0;
  }

  /** The corpus, unless the one in {@code input} was written with the same docs, seed, version. */
  private void writeCorpus(Path input) throws IOException {
    String marker =
        "docs=" + docs + " seed=" + seed + " version=" + io.reweigh.core.Version.get() + "\n";
    Path markerFile = input.resolve("_DEMO");
    if (!Files.exists(markerFile) || !Files.readString(markerFile).equals(marker)) {
      deleteTree(input);
      new DemoCorpus(seed).writeJsonl(input, docs, 3, DemoCorpus.DEFAULT_BAD_ROWS);
      Files.writeString(markerFile, marker, StandardCharsets.UTF_8);
    }
  }

  /** The demo's settings, then the user's --set on top. */
  private List<String> demoSets() {
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
    return sets;
  }

  private static void printMeanWeights(SparkSession spark, Path shards) {
    System.out.println("\nmean weight by planted label (lower = down-weighted):");
    for (Row r :
        spark
            .read()
            .parquet(shards.toString())
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
