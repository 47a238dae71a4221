package io.reweigh.sampler;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What the sampler wrote, as the manifest lists it (docs/trainers.md): every shard set with its
 * numbers and every shard with its sha256. Written by {@code sampler.spark.ShardWriter}, read back
 * from manifest.json by the report, explain, evaluate and tune.
 */
public final class ShardSets {
  private ShardSets() {}

  /** Column holding the copy number (0-based) of a resampled row. */
  public static final String COPY = "copy";

  /** One written shard, as listed in the manifest. */
  public record ShardInfo(String path, long rows, long tokens, double weightSum, String sha256)
      implements Serializable {}

  /**
   * What one shard set holds, for the manifest: where, with which weights, its token budget and the
   * ratio resampling found, rows (copies), distinct documents, tokens, documents without a copy,
   * how many copies share a shard with another copy of their document, and per-domain totals.
   */
  public record SetResult(
      String name,
      String dir,
      int phase,
      Map<String, String> weightColumns,
      double budgetShare,
      Long targetTokens,
      Double ratio,
      Integer ratioEvaluations,
      long rows,
      long documents,
      long tokens,
      long unsampledDocuments,
      Long copiesInSameShard,
      Integer maxCopies,
      String shardUnit,
      long shardTarget,
      int numShards,
      WeightStats weight,
      List<DomainStats> domains) {}

  /**
   * Every shard set, every shard (paths relative to the output), the distinct documents that are in
   * some shard and those that are in none (resample mode: no copy drawn in any set).
   */
  public record Result(
      List<SetResult> sets, List<ShardInfo> shards, long documents, long unsampled) {
    public long rows() {
      return shards.stream().mapToLong(ShardInfo::rows).sum();
    }
  }
}
