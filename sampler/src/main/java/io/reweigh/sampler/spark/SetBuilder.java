package io.reweigh.sampler.spark;

import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.WeightStats;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Mutable collector of one shard set's numbers while it is weighed, resampled and cut. */
final class SetBuilder {
  final SamplerParams.ShardSet set;
  final Map<String, String> weightColumns;
  final WeightStats weight;
  List<DomainStats> domains;
  Long targetTokens;
  Double ratio;
  Integer evaluations;
  long rows;

  /** Rows that are ordered and cut into shards (documents, or copies in resample mode). */
  long ordered;

  long documents;
  long tokens;
  long unsampled;
  Long sharing;
  Integer maxCopies;
  int numShards;

  SetBuilder(
      SamplerParams.ShardSet set,
      Map<String, String> weightColumns,
      WeightStats weight,
      List<DomainStats> domains) {
    this.set = set;
    this.weightColumns = weightColumns;
    this.weight = weight;
    this.domains = domains;
  }

  ShardSets.SetResult build(SamplerParams params) {
    return new ShardSets.SetResult(
        set.name(),
        set.dir(),
        set.phase(),
        weightColumns,
        set.budgetShare(),
        targetTokens,
        ratio,
        evaluations,
        rows,
        documents,
        tokens,
        unsampled,
        sharing,
        maxCopies,
        params.shardSize().unit().name().toLowerCase(Locale.ROOT),
        params.shardSize().target(),
        numShards,
        weight,
        domains);
  }
}
