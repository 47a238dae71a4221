package io.reweigh.dedup.neardup;

import io.reweigh.core.config.ConfigKey;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.config.ValueParser;
import io.reweigh.core.signal.Signal;
import java.util.List;
import java.util.Locale;

/**
 * Near-duplicate clusters (docs/neardup.md): MinHash signatures of token shingles, banded LSH
 * candidates verified by their estimated Jaccard, clusters as the connected components of the
 * verified pairs, and {@code weight_neardup} = 1 / cluster size^power, mean 1: a cluster of k
 * copies carries the weight of one document (at power 1).
 */
public final class NearDupSignal implements Signal {
  public static final String NAME = "neardup";

  /** Score table columns: id, cluster_id (the smallest id of the cluster), cluster_size. */
  public static final String CLUSTER_ID = "cluster_id";

  public static final String CLUSTER_SIZE = "cluster_size";
  public static final String WEIGHT = "weight_" + NAME;

  public static final ConfigKey<Integer> SHINGLE =
      ConfigKey.of(
          "neardup.shingle",
          5,
          ValueParser.intRange(1, 64),
          "Tokens per shingle (of the run's tokenizer); a document shorter than this is one"
              + " shingle.");
  public static final ConfigKey<Integer> HASHES =
      ConfigKey.of(
          "neardup.hashes",
          128,
          ValueParser.intRange(8, 1024),
          "MinHash values per document (seeded 64-bit hash functions).");
  public static final ConfigKey<Integer> BANDS =
      ConfigKey.of(
          "neardup.bands",
          16,
          ValueParser.intRange(1, 1024),
          "LSH bands; each band has neardup.hashes / neardup.bands rows. Two documents of"
              + " Jaccard J become candidates with probability 1 − (1 − J^rows)^bands (16 × 8:"
              + " 0.95 at J = 0.8, 0.9999 at J = 0.9; docs/neardup.md).");
  public static final ConfigKey<Double> THRESHOLD =
      ConfigKey.of(
          "neardup.threshold",
          0.8,
          ValueParser.doubleRange(0, false, 1, true),
          "Candidates whose estimated Jaccard (equal MinHash values / neardup.hashes) reaches"
              + " this are near-duplicates; clusters are the connected components of those"
              + " pairs.");
  public static final ConfigKey<Double> POWER =
      ConfigKey.of(
          "neardup.power",
          1.0,
          ValueParser.doubleRange(0, true, 10, true),
          "weight_neardup ∝ 1 / cluster size^power (1: a cluster of k copies weighs as one"
              + " document; 0: no effect), normalised to mean 1.");
  public static final ConfigKey<Long> SEED =
      ConfigKey.of(
          "neardup.seed",
          0L,
          ValueParser.anyLong(),
          "Seed of the MinHash functions (and of each bucket's hub).");
  public static final ConfigKey<Integer> MAX_BUCKET =
      ConfigKey.tuning(
          "neardup.max-bucket",
          1000,
          ValueParser.intRange(2, Integer.MAX_VALUE),
          "LSH buckets with more members than this (boilerplate shared by many documents) are"
              + " joined to their hub through a broadcast instead of a shuffle, so that no bucket"
              + " becomes one task; the pairs are the same either way.");
  public static final ConfigKey<Long> BROADCAST_BUCKETS =
      ConfigKey.tuning(
          "neardup.broadcast-buckets",
          1_000_000L,
          ValueParser.longRange(0, Long.MAX_VALUE),
          "When at most this many LSH buckets have two or more members, they are broadcast (~40"
              + " bytes each) and every document meets its buckets' hubs without a shuffle; more"
              + " are joined through a shuffle. The pairs are the same either way.");
  public static final ConfigKey<Long> SINGLE_TASK_EDGES =
      ConfigKey.tuning(
          "neardup.single-task-edges",
          2_000_000L,
          ValueParser.longRange(0, Long.MAX_VALUE),
          "Clusters of at most this many verified pairs are found by union-find in one Spark task"
              + " (~50 bytes per pair of its memory); more go through the distributed"
              + " large-star/small-star rounds (0: always). The clusters are the same either way.");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "MinHash near-duplicate clusters: a cluster of k near-copies weighs as one document.";
  }

  @Override
  public int order() {
    return 15;
  }

  @Override
  public boolean enabledByDefault() {
    // opt-in until the default's other effects change with it (docs/neardup.md, "Not decided yet")
    return false;
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(
        SHINGLE,
        HASHES,
        BANDS,
        THRESHOLD,
        POWER,
        SEED,
        MAX_BUCKET,
        BROADCAST_BUCKETS,
        SINGLE_TASK_EDGES);
  }

  @Override
  public Outputs outputs(ResolvedConfig cfg) {
    return new Outputs(WEIGHT, List.of(CLUSTER_ID, CLUSTER_SIZE));
  }

  @Override
  public List<String> scoreColumns() {
    return List.of(CLUSTER_SIZE);
  }

  @Override
  public Estimate estimate(ResolvedConfig cfg, long docs, long tokens) {
    int hashes = cfg.get(HASHES);
    int bands = cfg.get(BANDS);
    return new Estimate(
        String.format(
            Locale.ROOT,
            "%,d shingle × %d MinHash updates, %,d band keys",
            tokens,
            hashes,
            docs * bands),
        0,
        -1,
        String.format(
            Locale.ROOT,
            "signatures: %d B per document in Spark's shuffle and cache (%,d MB in all);"
                + " nothing grows on the driver",
            8 * hashes + 64,
            docs * (8L * hashes + 64) >> 20));
  }
}
