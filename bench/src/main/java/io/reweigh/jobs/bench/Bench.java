package io.reweigh.jobs.bench;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import io.reweigh.dedup.CommonnessDetails;
import io.reweigh.dedup.CommonnessParams;
import io.reweigh.dedup.spark.CommonnessStage;
import io.reweigh.jobs.Pipeline;
import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.stage.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Benchmarks stages as ratios to the floor, in one process (never absolute times:
 * docs/benchmarks.md). The floor is a Spark pass that reads the ingested documents, tokenises every
 * one and writes id + token count; every stage reads the same table, so the ratio is what the stage
 * costs on top of touching the data once.
 *
 * <p>Usage: Bench WORK_DIR MB [SCALE] [what…] with what in floor, exact, sketch, scale.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws IOException {
    Path work = Path.of(args[0]).toAbsolutePath();
    int mb = Integer.parseInt(args[1]);
    int scale = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    List<String> what =
        args.length > 3
            ? List.of(args).subList(3, args.length)
            : List.of("exact", "sketch", "scale");
    SparkSession spark = Sessions.create(null);
    spark.sparkContext().setLogLevel("WARN");
    spark.sparkContext().addSparkListener(STAGES);
    Map<String, Double> results = new LinkedHashMap<>();

    String docs1 = prepare(spark, work, mb);
    double floor = Math.min(floor(spark, docs1, work), floor(spark, docs1, work));
    results.put("floor_s", floor);
    report("floor", floor, floor);
    if (what.contains("exact")) {
      double t = commonness(spark, docs1, work, "exact", "softdedup.mode=exact");
      results.put("exact_s", t);
      report("commonness exact", t, floor);
    }
    if (what.contains("sketch")) {
      double t = commonness(spark, docs1, work, "sketch", "softdedup.mode=sketch");
      results.put("sketch_s", t);
      report("commonness sketch", t, floor);
    }
    if (what.contains("scale")) {
      String docsN = prepare(spark, work, mb * scale);
      double floorN = floor(spark, docsN, work);
      double t = commonness(spark, docsN, work, "exactN", "softdedup.mode=exact");
      report("floor " + scale + "x data", floorN, floor);
      report(
          "commonness exact " + scale + "x data", t, results.getOrDefault("exact_s", Double.NaN));
    }
    spark.stop();
  }

  static final StageTimes STAGES = new StageTimes();

  static void report(String name, double seconds, double base) {
    System.out.printf(
        Locale.ROOT, "BENCH %-32s %8.1f s   ratio %.2f%n", name, seconds, seconds / base);
  }

  /** Generates ~mb MB of demo JSONL (≈ 760 bytes per document) and ingests it once. */
  static String prepare(SparkSession spark, Path work, int mb) throws IOException {
    Path dir = work.resolve("corpus-" + mb + "mb");
    Path input = dir.resolve("input");
    int docs = mb * 1380;
    if (!Files.exists(input.resolve("_DONE"))) {
      new DemoCorpus(1).writeJsonl(input, docs, Math.max(4, mb / 32), null);
      Files.writeString(input.resolve("_DONE"), "docs=" + docs);
    }
    Path out = dir.resolve("out");
    Pipeline.run(
        spark,
        new Pipeline.Options(
            input.toString(),
            out.toString(),
            ResolvedConfig.defaults().withSet("stages=[]"),
            false),
        new Progress(System.err, 30));
    return out.resolve(Columns.STAGES_DIR).resolve(Pipeline.INGEST).toString();
  }

  static double floor(SparkSession spark, String docs, Path work) {
    Tokenizer tok = Tokenizers.fromConfig(ResolvedConfig.defaults());
    long t0 = System.nanoTime();
    Dataset<Row> d = spark.read().parquet(docs);
    d.select(
            functions.col(Columns.ID),
            functions
                .udf((UDF1<String, Integer>) tok::count, DataTypes.IntegerType)
                .apply(functions.col(Columns.TEXT))
                .as("n"))
        .write()
        .mode("overwrite")
        .parquet(work.resolve("floor-out").toString());
    return (System.nanoTime() - t0) / 1e9;
  }

  static double commonness(
      SparkSession spark, String docs, Path work, String name, String... sets) {
    ResolvedConfig cfg = ResolvedConfig.defaults();
    for (String s : sets) {
      cfg = cfg.withSet(s);
    }
    Path out = work.resolve("commonness-" + name);
    deleteQuietly(out);
    STAGES.reset();
    long t0 = System.nanoTime();
    StageStats stats =
        CommonnessStage.run(
            spark, spark.read().parquet(docs), CommonnessParams.fromConfig(cfg), out.toString());
    double t = (System.nanoTime() - t0) / 1e9;
    CommonnessDetails d = stats.details(CommonnessDetails.class);
    StringBuilder sb = new StringBuilder();
    field(sb, "rows", stats.rows());
    field(sb, "vocabulary", d.vocabulary());
    field(sb, "hot_ngrams", d.hotNgrams());
    field(sb, "sketch_bytes", d.sketchBytes());
    field(sb, "sketch_error_bound", d.sketchErrorBound());
    field(sb, "validation", d.validation());
    field(sb, "timings_s", d.timingsS());
    System.out.println("BENCH   " + name + ": " + sb);
    System.out.print(STAGES.top(8));
    return t;
  }

  /** {@code name=value } when the stage reported the value. */
  private static void field(StringBuilder sb, String name, Object value) {
    if (value != null) {
      sb.append(name).append('=').append(value).append(' ');
    }
  }

  static void deleteQuietly(Path p) {
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    } catch (IOException e) {
      // absent
    }
  }
}
