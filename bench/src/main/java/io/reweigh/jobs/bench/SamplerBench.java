package io.reweigh.jobs.bench;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.jobs.Pipeline;
import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.stage.Progress;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Sampler benchmark (bin/bench-sampler): the sampler stage's wall time ÷ a plain Spark Parquet
 * write of the same rows, in one JVM, alternating, best of {@code REPEATS}. Weighted mode's
 * baseline joins the usable documents with the commonness table (the sampler's own input) and
 * writes them as zstd Parquet; resample mode's baseline reads the resampled shards (the same rows
 * with their copies) and writes them again. Committed stages are reused, so each pipeline rerun
 * times only the sampler.
 *
 * <p>Usage: SamplerBench WORK_DIR [DOCS=40000] [REPEATS=3] [extra --set values…]
 */
public final class SamplerBench {
  private SamplerBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    int docs = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path input = work.resolve("input");
    Bench.deleteQuietly(work);
    new DemoCorpus(42).writeJsonl(input, docs, 4, DemoCorpus.DEFAULT_BAD_ROWS);
    SparkSession spark = Sessions.create(null);
    ResolvedConfig base =
        ResolvedConfig.defaults()
            .withSet("stages=[commonness]")
            .withSet("softdedup.order=3")
            .withSet("sampler.shard-rows=10000");
    for (int i = 3; i < args.length; i++) {
      base = base.withSet(args[i]);
    }
    Path out = work.resolve("out");
    Progress quiet =
        new Progress(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), 60);
    Pipeline.Summary first =
        Pipeline.run(
            spark, new Pipeline.Options(input.toString(), out.toString(), base, false), quiet);
    System.out.printf(
        Locale.ROOT,
        "corpus: %,d seeded demo documents (%,d usable, %,d tokens), stages=[commonness], %s%n",
        docs,
        first.counts().outputRows(),
        first.counts().outputTokens(),
        spark.sparkContext().master());
    if (System.getenv("REWEIGH_BENCH_JOBS") != null) {
      spark.sparkContext().addSparkListener(new JobTimes());
    }
    for (String mode : new String[] {"weighted", "resample"}) {
      ResolvedConfig cfg = base.withSet("sampler.mode=" + mode);
      double bestSampler = Double.MAX_VALUE;
      double bestPlain = Double.MAX_VALUE;
      long rows = 0;
      for (int r = 0; r < repeats; r++) {
        Pipeline.Summary s =
            Pipeline.run(
                spark, new Pipeline.Options(input.toString(), out.toString(), cfg, false), quiet);
        bestSampler = Math.min(bestSampler, s.manifest().stages().get(Pipeline.SAMPLER).seconds());
        rows = s.counts().shardRows();
        Dataset<Row> same =
            mode.equals("weighted")
                ? spark
                    .read()
                    .parquet(out.resolve("stages/ingest").toString())
                    .drop(
                        Columns.SOURCE_FILE,
                        Columns.SOURCE_ROW,
                        Columns.REJECT_REASON,
                        Columns.REJECT_DETAIL,
                        Columns.RAW)
                    .join(
                        spark
                            .read()
                            .parquet(out.resolve("stages/commonness").toString())
                            .select(Columns.ID, "weight_commonness"),
                        Columns.ID)
                : spark.read().parquet(out.resolve("shards").toString());
        Path plain = work.resolve("plain-" + mode);
        Bench.deleteQuietly(plain);
        long t0 = System.nanoTime();
        same.write().option("compression", "zstd").parquet(plain.toString());
        bestPlain = Math.min(bestPlain, (System.nanoTime() - t0) / 1e9);
      }
      System.out.printf(
          Locale.ROOT,
          "%-8s sampler %6.2f s | plain Spark Parquet write of the same %,d rows %6.2f s |"
              + " ratio %.2f (target ≤ 1.2)%n",
          mode,
          bestSampler,
          rows,
          bestPlain,
          bestSampler / bestPlain);
    }
    spark.stop();
  }
}
