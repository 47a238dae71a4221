package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.ShardSize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * The shard cut of one shard set ({@link ShardSize}): orders the rows, numbers each row's raw shard
 * from the exact size of the rows before it ({@link ShardSize#rawShard}), closes up the numbers a
 * very large row skipped, and writes the shards (zstd) with {@link ShardFiles}.
 */
final class ShardCut {
  private ShardCut() {}

  /** What the shards are written from: the full rows and the columns added to them. */
  record Output(Dataset<Row> full, List<String> added, List<String> columns) {}

  /**
   * Orders the rows, cuts them into shards by size, writes and renames them into the shard set's
   * folder, and returns each with its sha256.
   *
   * @param rows the narrow rows with {@link Scratch#SIZE}, and the columns of {@code order}
   */
  static List<ShardSets.ShardInfo> cut(
      SparkSession spark,
      Dataset<Row> rows,
      Column[] order,
      Output out,
      SamplerParams params,
      SamplerParams.ShardSet set,
      Path tmpDir,
      SetBuilder b) {
    ShardWriter.describe(spark, "sampler: order and cut " + set.dir());
    Dataset<Row> ranked = ranked(rows, order, out.added(), params.shardSize(), b.ordered);
    ranked.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Row> perShard = perRawShard(ranked, params.shardSize(), b);
      Dataset<Row> sharded = sharded(spark, ranked, perShard);
      if (params.resample()) {
        b.sharing = copiesInSameShard(sharded);
      }
      Path rawDir = new Path(tmpDir, "raw-" + set.name());
      if (b.numShards > 0) {
        write(spark, sharded, out, set, b, rawDir);
      }
      return ShardFiles.publish(spark, set, rawDir, new Path(tmpDir, set.dir()), perShard);
    } finally {
      ranked.unpersist();
    }
  }

  /** The kept columns in the order, with rank, size before and raw shard number. */
  private static Dataset<Row> ranked(
      Dataset<Row> rows, Column[] order, List<String> added, ShardSize size, long n) {
    List<String> keepNames = new ArrayList<>(List.of(Columns.ID, Columns.N_TOKENS));
    keepNames.addAll(added);
    List<Column> keep = new ArrayList<>();
    keepNames.forEach(c -> keep.add(col(c)));
    for (Column o : order) {
      if (!keepNames.contains(o.toString())) {
        keep.add(o);
      }
    }
    keep.add(col(Scratch.SIZE));
    UserDefinedFunction rawShard =
        functions.udf((UDF1<Long, Long>) size::rawShard, DataTypes.LongType);
    return OrderedScan.rankAndPrefix(
            rows.select(keep.toArray(Column[]::new)),
            order,
            Scratch.SIZE,
            Scratch.RANK,
            Scratch.BEFORE,
            n)
        .withColumn(Scratch.RAW, rawShard.apply(col(Scratch.BEFORE)));
  }

  /**
   * One pass: raw shard number, rows, tokens and Σ weight per raw shard, in shard order (fails with
   * the key to raise beyond {@link ShardSize#MAX_SHARDS}); adds rows and tokens to {@code b}.
   */
  private static List<Row> perRawShard(Dataset<Row> ranked, ShardSize size, SetBuilder b) {
    List<Row> perRaw =
        ranked
            .groupBy(Scratch.RAW)
            .agg(
                functions.count(lit(1)),
                functions.sum(col(Columns.N_TOKENS).cast("long")),
                functions.sum(col(Columns.WEIGHT).cast(Weighting.DEC)))
            .orderBy(Scratch.RAW)
            .collectAsList();
    if (perRaw.size() > ShardSize.MAX_SHARDS) {
      size.checkCount(perRaw.size(), ranked.agg(functions.sum(Scratch.SIZE)).first().getLong(0));
    }
    for (Row r : perRaw) {
      b.rows += r.getLong(1);
      b.tokens += r.isNullAt(2) ? 0 : r.getLong(2);
    }
    b.numShards = perRaw.size();
    return perRaw;
  }

  /** The ranked rows with their shard number 0…S−1: the raw numbers closed up. */
  private static Dataset<Row> sharded(SparkSession spark, Dataset<Row> ranked, List<Row> perRaw) {
    long[] raws = new long[perRaw.size()];
    for (int i = 0; i < raws.length; i++) {
      raws[i] = perRaw.get(i).getLong(0);
    }
    Broadcast<long[]> bc = new JavaSparkContext(spark.sparkContext()).broadcast(raws);
    UserDefinedFunction shard =
        functions.udf(
            (UDF1<Long, Integer>) raw -> Arrays.binarySearch(bc.value(), raw),
            DataTypes.IntegerType);
    return ranked.withColumn(Scratch.SHARD, shard.apply(col(Scratch.RAW)));
  }

  /** Copies that share a shard with another copy of their document. */
  private static long copiesInSameShard(Dataset<Row> sharded) {
    Row share =
        sharded
            .groupBy(col(Columns.ID), col(Scratch.SHARD))
            .count()
            .filter(col("count").gt(1))
            .agg(functions.sum(col("count").minus(1)))
            .first();
    return share.isNullAt(0) ? 0L : share.getLong(0);
  }

  /**
   * The shard assignment (narrow) meets the full rows once; small assignments are broadcast, so the
   * text is shuffled only into its shard. Writes one folder per shard under {@code rawDir}.
   */
  private static void write(
      SparkSession spark,
      Dataset<Row> sharded,
      Output out,
      SamplerParams.ShardSet set,
      SetBuilder b,
      Path rawDir) {
    int shards = b.numShards;
    List<Column> written = new ArrayList<>();
    out.columns().forEach(c -> written.add(col(c)));
    written.add(col(Scratch.SHARD));
    List<Column> assignment = new ArrayList<>(List.of(col(Columns.ID)));
    out.added().forEach(c -> assignment.add(col(c)));
    assignment.add(col(Scratch.SHARD));
    assignment.add(col(Scratch.RANK));
    Dataset<Row> a = sharded.select(assignment.toArray(Column[]::new));
    ShardWriter.describe(spark, "sampler: write " + set.dir());
    if (b.rows <= ShardWriter.BROADCAST_ROWS) {
      a = functions.broadcast(a);
    }
    out.full()
        .join(a, Columns.ID)
        .repartition(shards, col(Scratch.SHARD))
        .sortWithinPartitions(col(Scratch.SHARD), col(Scratch.RANK))
        .select(written.toArray(Column[]::new))
        .write()
        .partitionBy(Scratch.SHARD)
        .option("compression", "zstd")
        .parquet(rawDir.toString());
  }
}
