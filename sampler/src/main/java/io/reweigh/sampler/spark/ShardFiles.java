package io.reweigh.sampler.spark;

import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.ShardSize;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Moves the shards Spark wrote (one folder per shard number) into the shard set's folder as
 * part-NNNNN-of-MMMMM.parquet ({@link ShardSize#name}) and lists them with their sha256.
 */
final class ShardFiles {
  private ShardFiles() {}

  /**
   * Renames shard i from {@code rawDir/__rw_shard=i/} into {@code shardDir}, removes the side files
   * and {@code rawDir}, and returns each shard with its rows, tokens, Σ weight (from {@code
   * perShard}: raw number, rows, tokens, Σ weight in shard order) and sha256.
   */
  static List<ShardSets.ShardInfo> publish(
      SparkSession spark,
      SamplerParams.ShardSet set,
      Path rawDir,
      Path shardDir,
      List<Row> perShard) {
    int n = perShard.size();
    try {
      FileSystem fs = shardDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      List<String> finals = new ArrayList<>();
      fs.mkdirs(shardDir);
      for (int i = 0; i < n; i++) {
        Path part = onlyFile(fs, new Path(rawDir, Scratch.SHARD + "=" + i));
        Path target = new Path(shardDir, ShardSize.name(i, n));
        if (!fs.rename(part, target)) {
          throw new IOException("rename " + part + " -> " + target + " failed");
        }
        finals.add(target.toString());
      }
      ShardWriter.describe(spark, "sampler: sha256 of " + set.dir());
      Map<String, String> sums = ShardSha256.of(spark, finals);
      removeSideFiles(fs, shardDir);
      List<ShardSets.ShardInfo> shards = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Row r = perShard.get(i);
        long tokens = r.isNullAt(2) ? 0 : r.getLong(2);
        shards.add(
            new ShardSets.ShardInfo(
                set.dir() + "/" + ShardSize.name(i, n),
                r.getLong(1),
                tokens,
                r.getDecimal(3).doubleValue(),
                sums.get(finals.get(i))));
      }
      fs.delete(rawDir, true);
      return shards;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Local file systems leave .crc side files: shards/ holds the shards only. */
  private static void removeSideFiles(FileSystem fs, Path dir) throws IOException {
    FileSystem rawFs = fs instanceof ChecksumFileSystem cfs ? cfs.getRawFileSystem() : fs;
    for (FileStatus st : rawFs.listStatus(dir)) {
      if (st.getPath().getName().startsWith(".")) {
        rawFs.delete(st.getPath(), false);
      }
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
}
