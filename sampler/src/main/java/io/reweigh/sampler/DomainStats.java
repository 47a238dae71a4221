package io.reweigh.sampler;

import java.io.Serializable;

/**
 * One domain of one shard set, as the manifest lists it: documents and tokens (before weighting), Σ
 * weight from the signals alone and after the domain factor, Σ weight × tokens, the target share
 * and the factor (domain targets), and in resample mode the rows (copies) and tokens in the shards.
 */
public record DomainStats(
    String domain,
    long documents,
    long tokens,
    double signalWeight,
    double weight,
    double weightedTokens,
    Double target,
    double factor,
    Long rows,
    Long shardTokens)
    implements Serializable {
  public DomainStats withResample(long rows, long shardTokens) {
    return new DomainStats(
        domain,
        documents,
        tokens,
        signalWeight,
        weight,
        weightedTokens,
        target,
        factor,
        rows,
        shardTokens);
  }
}
