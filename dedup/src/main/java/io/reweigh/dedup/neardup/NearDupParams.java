package io.reweigh.dedup.neardup;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import java.io.Serializable;

/** The near-duplicate stage's plan (docs/neardup.md): everything it reads from the config. */
public record NearDupParams(
    int shingle,
    int hashes,
    int bands,
    int rows,
    double threshold,
    double power,
    long seed,
    int maxBucket,
    long broadcastBuckets,
    long singleTaskEdges,
    Tokenizer tokenizer)
    implements Serializable {

  public static NearDupParams fromConfig(ResolvedConfig cfg) {
    int hashes = cfg.get(NearDupSignal.HASHES);
    int bands = cfg.get(NearDupSignal.BANDS);
    if (bands > hashes) {
      throw PipelineErrors.invalidValue(
          NearDupSignal.BANDS.key(),
          bands,
          null,
          "at most neardup.hashes (" + hashes + "): each band needs at least one row");
    }
    return new NearDupParams(
        cfg.get(NearDupSignal.SHINGLE),
        hashes,
        bands,
        hashes / bands,
        cfg.get(NearDupSignal.THRESHOLD),
        cfg.get(NearDupSignal.POWER),
        cfg.get(NearDupSignal.SEED),
        cfg.get(NearDupSignal.MAX_BUCKET),
        cfg.get(NearDupSignal.BROADCAST_BUCKETS),
        cfg.get(NearDupSignal.SINGLE_TASK_EDGES),
        Tokenizers.fromConfig(cfg));
  }

  public MinHash minHash() {
    return new MinHash(hashes, shingle, seed);
  }
}
