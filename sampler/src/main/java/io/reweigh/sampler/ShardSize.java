package io.reweigh.sampler;

import io.reweigh.core.config.ConfigKey;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How the ordered rows of a shard set are cut into shards: by rows, estimated bytes or tokens. Row
 * i goes to raw shard ⌊(size of the rows before it) / target⌋; raw shard numbers a very large row
 * skips are closed up, so shards are numbered 0…S−1 and each holds the target within one row (the
 * last may be smaller). With rows as the unit every shard but the last has exactly target rows.
 */
public record ShardSize(Unit unit, long target) implements Serializable {

  /** At most this many shards per shard set (part-NNNNN-of-MMMMM). */
  public static final int MAX_SHARDS = 99_999;

  /** Default when none of the three keys is set. */
  public static final int DEFAULT_ROWS = 100_000;

  /** What a shard's size is counted in, and the key that sets it. */
  public enum Unit {
    ROWS(Keys.SAMPLER_SHARD_ROWS),
    BYTES(Keys.SAMPLER_SHARD_BYTES),
    TOKENS(Keys.SAMPLER_SHARD_TOKENS);

    private final transient ConfigKey<?> key;

    Unit(ConfigKey<?> key) {
      this.key = key;
    }

    public String key() {
      return key.key();
    }
  }

  public ShardSize {
    if (target < 1) {
      throw new IllegalArgumentException("shard target must be ≥ 1");
    }
  }

  /** The one of sampler.shard-rows / -bytes / -tokens that is set (rows, 100000 when none). */
  public static ShardSize fromConfig(ResolvedConfig cfg) {
    List<ShardSize> set = new ArrayList<>();
    Integer rows = cfg.get(Keys.SAMPLER_SHARD_ROWS);
    Long bytes = cfg.get(Keys.SAMPLER_SHARD_BYTES);
    Long tokens = cfg.get(Keys.SAMPLER_SHARD_TOKENS);
    if (rows != null) {
      set.add(new ShardSize(Unit.ROWS, rows));
    }
    if (bytes != null) {
      set.add(new ShardSize(Unit.BYTES, bytes));
    }
    if (tokens != null) {
      set.add(new ShardSize(Unit.TOKENS, tokens));
    }
    if (set.size() > 1) {
      throw PipelineErrors.usage(
          "Shard size is set twice: "
              + set.stream().map(s -> s.unit().key() + "=" + s.target()).toList()
              + ".",
          "Set only one of sampler.shard-rows, sampler.shard-bytes, sampler.shard-tokens.");
    }
    return set.isEmpty() ? new ShardSize(Unit.ROWS, DEFAULT_ROWS) : set.get(0);
  }

  /** Raw shard number of a row whose predecessors in the order have total size sizeBefore. */
  public long rawShard(long sizeBefore) {
    return sizeBefore / target;
  }

  /** Fails with the key to raise when a shard set would need more than {@link #MAX_SHARDS}. */
  public void checkCount(long shards, long totalSize) {
    if (shards > MAX_SHARDS) {
      throw PipelineErrors.usage(
          String.format(
              "%d %s at %d per shard gives %d shards, more than %,d.",
              totalSize,
              unit.name().toLowerCase(java.util.Locale.ROOT),
              target,
              shards,
              MAX_SHARDS),
          "Raise " + unit.key() + ".");
    }
  }

  /** File name of shard i of n: part-00003-of-00042.parquet. */
  public static String name(int shard, int numShards) {
    return String.format("part-%05d-of-%05d.parquet", shard, numShards);
  }
}
