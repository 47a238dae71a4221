package io.reweigh.sampler;

import java.io.Serializable;

/**
 * How the usable rows are cut into shards: shard i holds the rows of global rank [i·shardRows,
 * (i+1)·shardRows) in the seeded order, so every shard but the last has exactly shardRows rows.
 */
public record ShardPlan(long rows, int shardRows, int numShards) implements Serializable {

  public ShardPlan {
    if (rows < 0 || shardRows < 1) {
      throw new IllegalArgumentException("rows ≥ 0 and shardRows ≥ 1 required");
    }
    if (numShards != (int) ((rows + shardRows - 1) / shardRows)) {
      throw new IllegalArgumentException("numShards does not match rows / shardRows");
    }
  }

  public static ShardPlan of(long rows, int shardRows) {
    long n = (rows + shardRows - 1) / shardRows;
    if (n > 99_999) {
      throw new IllegalArgumentException(
          rows
              + " rows at "
              + shardRows
              + " rows per shard gives more than 99,999 shards;"
              + " raise sampler.shard-rows");
    }
    return new ShardPlan(rows, shardRows, (int) n);
  }

  public int shardOf(long rank) {
    if (rank < 0 || rank >= rows) {
      throw new IllegalArgumentException("rank " + rank + " outside [0, " + rows + ")");
    }
    return (int) (rank / shardRows);
  }

  public long rowsIn(int shard) {
    long start = (long) shard * shardRows;
    return Math.min(shardRows, rows - start);
  }

  /** File name of shard i: part-00003-of-00042.parquet. */
  public String name(int shard) {
    return String.format("part-%05d-of-%05d.parquet", shard, numShards);
  }
}
