package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.spark.SerializableHadoopConf;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.weights.WeightMath;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardPlan;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Weighted mode of the sampler (DESIGN.md §4.4): joins the committed score tables to the usable
 * documents, combines the signals into one weight (product of powers, ratio-clipped around the
 * median, normalised to mean 1), orders the documents by a seeded hash of their id and writes
 * shards of exactly {@code shardRows} rows named part-NNNNN-of-MMMMM.parquet (zstd). All sums and
 * quantiles are exact (SparkStats), so the bytes do not depend on partitioning.
 */
public final class ShardWriter {
  private ShardWriter() {}

  /** One written shard, as listed in the manifest. */
  public record ShardInfo(String path, long rows, long tokens, double weightSum, String sha256)
      implements Serializable {}

  /** The shards and weight statistics. */
  public record Result(List<ShardInfo> shards, long rows, Map<String, Object> weightStats) {}

  /** Columns of the docs table that are not carried to the shards. */
  private static final Set<String> INTERNAL =
      Set.of(
          Columns.SOURCE_FILE,
          Columns.SOURCE_ROW,
          Columns.REJECT_REASON,
          Columns.RAW,
          Columns.N_TOKENS);

  /**
   * Writes the shards into {@code tmpDir/shards}; the caller moves that folder into place.
   *
   * @param docs usable documents (ingest table): id, text, domain, extras, n_tokens, …
   * @param tables score table of each signal in params, keyed by signal name: id + weight column
   */
  public static Result write(
      SparkSession spark,
      Dataset<Row> docs,
      Map<String, Dataset<Row>> tables,
      SamplerParams params,
      Path tmpDir) {
    List<String> carried = new ArrayList<>();
    for (String c : docs.columns()) {
      if (!INTERNAL.contains(c)) {
        carried.add(c);
      }
    }
    Dataset<Row> joined = docs;
    for (SamplerParams.Signal s : params.signals()) {
      Dataset<Row> t = tables.get(s.name());
      if (t == null) {
        throw new IllegalStateException("no score table for signal " + s.name());
      }
      List<Column> cols = new ArrayList<>(List.of(col(Columns.ID), col(s.column())));
      s.carried().forEach(c -> cols.add(col(c)));
      joined = joined.join(t.select(cols.toArray(Column[]::new)), Columns.ID, "left");
    }
    joined.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return writeJoined(spark, joined, carried, params, tmpDir);
    } finally {
      joined.unpersist();
    }
  }

  private static Result writeJoined(
      SparkSession spark,
      Dataset<Row> joined,
      List<String> carried,
      SamplerParams params,
      Path tmpDir) {
    long n = joined.count();
    Map<String, Object> stats = new LinkedHashMap<>();
    Dataset<Row> weighted = weigh(joined, params, n, stats);
    return writeShards(spark, weighted, carried, params, n, stats, tmpDir);
  }

  /**
   * Adds {@code weight}: Π w_s^α_s over the signals (a missing score is an error naming the
   * signal), clipped to max-weight-ratio around the median, normalised to mean 1; all 1 without
   * signals. Clip bounds go into {@code stats}.
   */
  private static Dataset<Row> weigh(
      Dataset<Row> joined, SamplerParams params, long n, Map<String, Object> stats) {
    Column raw = lit(1.0);
    for (SamplerParams.Signal s : params.signals()) {
      Row missing =
          joined
              .filter(col(s.column()).isNull())
              .agg(functions.count(lit(1)), functions.min(Columns.ID))
              .first();
      if (missing.getLong(0) > 0) {
        throw PipelineErrors.missingScores(s.name(), missing.getLong(0), missing.getString(1));
      }
      Column w = s.alpha() == 1.0 ? col(s.column()) : functions.pow(col(s.column()), s.alpha());
      raw = raw.multiply(w);
    }
    Dataset<Row> weighted = joined.withColumn("__rw_raw", raw);
    if (params.signals().isEmpty() || n == 0) {
      weighted = weighted.withColumn(Columns.WEIGHT, lit(1.0));
    } else {
      Dataset<Row> ranked =
          SparkStats.withRank(
              weighted.select(Columns.ID, "__rw_raw"), "__rw_raw", Columns.ID, "__rw_r");
      double median =
          SparkStats.valuesAtRanks(ranked, "__rw_raw", "__rw_r", WeightMath.quantileRank(0.5, n))[
              0];
      double[] window = WeightMath.ratioWindow(median, params.maxWeightRatio());
      Column clipped =
          functions.least(functions.greatest(col("__rw_raw"), lit(window[0])), lit(window[1]));
      weighted = weighted.withColumn("__rw_clipped", clipped);
      double mean = SparkStats.exactMean(weighted, "__rw_clipped");
      weighted = weighted.withColumn(Columns.WEIGHT, col("__rw_clipped").divide(mean));
      stats.put("clip_low", window[0]);
      stats.put("clip_high", window[1]);
      stats.put(
          "clipped_rows",
          weighted.filter(col("__rw_raw").lt(window[0]).or(col("__rw_raw").gt(window[1]))).count());
    }
    return weighted;
  }

  /**
   * Orders the weighted rows by a seeded hash of their id, cuts them into shards of exactly
   * shardRows (ShardPlan), writes and renames them, and returns each with its sha256.
   */
  private static Result writeShards(
      SparkSession spark,
      Dataset<Row> weighted,
      List<String> carried,
      SamplerParams params,
      long n,
      Map<String, Object> stats,
      Path tmpDir) {
    ShardPlan plan = ShardPlan.of(n, params.shardRows());
    long seed = params.seed();
    Dataset<Row> keyed = weighted.withColumn("__rw_order", SparkStats.seededHash(seed, Columns.ID));
    List<Column> out = new ArrayList<>();
    for (String c : carried) {
      out.add(col(c));
    }
    out.add(col(Columns.WEIGHT));
    for (SamplerParams.Signal s : params.signals()) {
      out.add(col(s.column()));
      s.carried().forEach(c -> out.add(col(c)));
    }
    List<Column> withShard = new ArrayList<>(out);
    withShard.add(col(Columns.N_TOKENS));
    withShard.add(col("__rw_order"));
    Dataset<Row> ranked =
        SparkStats.withRank(
                keyed.select(withShard.toArray(Column[]::new)),
                "__rw_order",
                Columns.ID,
                "__rw_rank")
            .withColumn(
                "__rw_shard", functions.expr("__rw_rank div " + params.shardRows()).cast("int"));
    ranked.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      stats.putAll(SparkStats.summary(ranked, Columns.WEIGHT));
      Map<Integer, Row> perShard = new HashMap<>();
      for (Row r :
          ranked
              .groupBy("__rw_shard")
              .agg(
                  functions.count(lit(1)),
                  functions.sum(col(Columns.N_TOKENS).cast("long")),
                  functions.sum(col(Columns.WEIGHT).cast(DataTypes.createDecimalType(38, 18))))
              .collectAsList()) {
        perShard.put(r.getInt(0), r);
      }
      Path rawDir = new Path(tmpDir, "raw");
      Path shardDir = new Path(tmpDir, "shards");
      List<Column> written = new ArrayList<>(out);
      written.add(col("__rw_shard"));
      if (plan.numShards() > 0) {
        ranked
            .repartition(plan.numShards(), col("__rw_shard"))
            .sortWithinPartitions(col("__rw_shard"), col("__rw_rank"))
            .select(written.toArray(Column[]::new))
            .write()
            .partitionBy("__rw_shard")
            .option("compression", "zstd")
            .parquet(rawDir.toString());
      }
      FileSystem fs = fs(spark, tmpDir);
      List<String> finals = new ArrayList<>();
      fs.mkdirs(shardDir);
      for (int i = 0; i < plan.numShards(); i++) {
        Path part = onlyFile(fs, new Path(rawDir, "__rw_shard=" + i));
        Path target = new Path(shardDir, plan.name(i));
        if (!fs.rename(part, target)) {
          throw new IOException("rename " + part + " -> " + target + " failed");
        }
        finals.add(target.toString());
      }
      Map<String, String> sums = sha256(spark, finals);
      // local file systems leave .crc side files: shards/ holds the shards only
      FileSystem rawFs =
          fs instanceof org.apache.hadoop.fs.ChecksumFileSystem cfs ? cfs.getRawFileSystem() : fs;
      for (FileStatus st : rawFs.listStatus(shardDir)) {
        if (st.getPath().getName().startsWith(".")) {
          rawFs.delete(st.getPath(), false);
        }
      }
      List<ShardInfo> shards = new ArrayList<>();
      for (int i = 0; i < plan.numShards(); i++) {
        Row r = perShard.get(i);
        long rows = r.getLong(1);
        if (rows != plan.rowsIn(i)) {
          throw new IllegalStateException(
              "shard " + i + " has " + rows + " rows, planned " + plan.rowsIn(i));
        }
        shards.add(
            new ShardInfo(
                Columns.SHARDS_DIR + "/" + plan.name(i),
                rows,
                r.isNullAt(2) ? 0 : r.getLong(2),
                r.getDecimal(3).doubleValue(),
                sums.get(finals.get(i))));
      }
      fs.delete(rawDir, true);
      return new Result(shards, n, stats);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      ranked.unpersist();
    }
  }

  private static Path onlyFile(FileSystem fs, Path dir) throws IOException {
    Path found = null;
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (name.endsWith(".parquet")) {
        if (found != null) {
          throw new IllegalStateException("more than one file in " + dir);
        }
        found = st.getPath();
      }
    }
    if (found == null) {
      throw new IllegalStateException("no Parquet file in " + dir);
    }
    return found;
  }

  private static FileSystem fs(SparkSession spark, Path p) throws IOException {
    return p.getFileSystem(spark.sparkContext().hadoopConfiguration());
  }

  /**
   * Normalises each shard's footer ({@link FooterNormalizer}) and returns its SHA-256, on the
   * executors (shards can be many and large).
   */
  public static Map<String, String> sha256(SparkSession spark, List<String> files) {
    if (files.isEmpty()) {
      return Map.of();
    }
    SerializableHadoopConf conf =
        new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration());
    List<String> pairs =
        new JavaSparkContext(spark.sparkContext())
            .parallelize(files, Math.min(files.size(), 64))
            .map(
                f -> {
                  Path p = new Path(f);
                  return f + "\t" + FooterNormalizer.normalize(p.getFileSystem(conf.get()), p);
                })
            .collect();
    Map<String, String> out = new HashMap<>();
    for (String s : pairs) {
      int t = s.lastIndexOf('\t');
      out.put(s.substring(0, t), s.substring(t + 1));
    }
    return out;
  }
}
