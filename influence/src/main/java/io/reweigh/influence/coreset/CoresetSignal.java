package io.reweigh.influence.coreset;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigKey;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.config.ValueParser;
import io.reweigh.core.signal.Signal;
import io.reweigh.influence.InfluenceSignal;
import java.util.List;

/**
 * Coreset-propagated self-influence (Jafari et al., "The Power of Few", ICASSP 2024) as a signal:
 * k-means over document embeddings, a "moderate" coreset per cluster scored with the influence
 * signal's proxy LM, and every other document given the weight of its nearest coreset member in its
 * cluster. Reads the influence.* keys for the proxy LM and the PRESENCE weighting; the Spark stage
 * is {@code io.reweigh.influence.coreset.spark.CoresetSignalStage}.
 */
public final class CoresetSignal implements Signal {
  public static final String NAME = "coreset";

  /** Score table columns. */
  public static final String CLUSTER = "cluster";

  public static final String IS_CORESET = "is_coreset";
  public static final String NN_DISTANCE = "nn_distance";
  public static final String NN_ID = "nn_id";

  /** Self-influence of coreset members (the influence signal's column name). */
  public static final String SI = InfluenceSignal.SI;

  public static final String WEIGHT = Columns.weightColumn(NAME);

  public static final ConfigKey<Double> FRACTION =
      ConfigKey.of(
          "coreset.fraction",
          0.01,
          ValueParser.doubleRange(0, false, 1, true),
          "Coreset size as a share of the usable documents (rounded, at least 1); only these are"
              + " scored with the proxy LM.");
  public static final ConfigKey<Integer> CLUSTERS =
      ConfigKey.of(
          "coreset.clusters",
          0,
          ValueParser.intRange(0, 1_000_000),
          "k of k-means; 0 = √(coreset size). Must not exceed the coreset size (every cluster"
              + " gets a member) nor the number of documents.");
  public static final ConfigKey<String> EMBEDDING =
      ConfigKey.of(
          "coreset.embedding",
          "hashed",
          ValueParser.oneOf("hashed", "proxy"),
          "Document embedding: hashed (n-gram TF-IDF, cheap) or proxy (mean-pooled final hidden"
              + " states of the proxy LM, or of influence.model; costs a forward pass per"
              + " document).");
  public static final ConfigKey<Integer> HASHED_DIM =
      ConfigKey.of(
          "coreset.hashed.dim",
          4096,
          ValueParser.intRange(16, 1 << 24),
          "Buckets of the hashed TF-IDF embedding.");
  public static final ConfigKey<Integer> HASHED_ORDER =
      ConfigKey.of(
          "coreset.hashed.order",
          2,
          ValueParser.intRange(1, 6),
          "Longest n-gram hashed into the embedding (1 = bag of words).");
  public static final ConfigKey<Double> BAND_LOW =
      ConfigKey.of(
          "coreset.band-low",
          0.25,
          ValueParser.doubleRange(0, true, 1, false),
          "Moderate band: members are taken from this centroid-distance quantile of their"
              + " cluster …");
  public static final ConfigKey<Double> BAND_HIGH =
      ConfigKey.of(
          "coreset.band-high",
          0.75,
          ValueParser.doubleRange(0, false, 1, true),
          "… up to this one (CW-ERM's moderate rule: neither the most typical nor outliers).");
  public static final ConfigKey<Integer> ITERATIONS =
      ConfigKey.of(
          "coreset.kmeans-iterations",
          20,
          ValueParser.intRange(1, 1000),
          "Maximum Lloyd iterations of k-means (MLlib, k-means|| initialisation).");
  public static final ConfigKey<Integer> VALIDATION_DOCS =
      ConfigKey.of(
          "coreset.validation-docs",
          2000,
          ValueParser.intRange(0, 10_000_000),
          "Fidelity check: score a seeded sample of this many documents in full and report the"
              + " Spearman correlation of propagated and true weights (0 = skip).");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Self-influence scored on a k-means coreset only and propagated by nearest neighbour.";
  }

  @Override
  public int order() {
    return 30;
  }

  @Override
  public boolean enabledByDefault() {
    return false;
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(
        FRACTION,
        CLUSTERS,
        EMBEDDING,
        HASHED_DIM,
        HASHED_ORDER,
        BAND_LOW,
        BAND_HIGH,
        ITERATIONS,
        VALIDATION_DOCS);
  }

  @Override
  public Estimate estimate(ResolvedConfig cfg, long docs, long tokens) {
    long core = (long) Math.ceil(cfg.get(FRACTION) * docs);
    long dim =
        "hashed".equals(cfg.get(EMBEDDING))
            ? cfg.get(HASHED_DIM)
            : cfg.get(io.reweigh.influence.InfluenceSignal.WIDTH);
    return new Estimate(
        String.format(
            java.util.Locale.ROOT,
            "embed %,d documents (dim %d), k-means on a coreset of %,d, %d iterations",
            docs,
            dim,
            core,
            cfg.get(ITERATIONS)),
        core * dim * 4 * 2,
        core * dim * 4,
        "the coreset's embeddings and weights on the driver and broadcast to each task");
  }

  @Override
  public List<String> scoreColumns() {
    return List.of(NN_DISTANCE, CLUSTER, IS_CORESET);
  }

  @Override
  public Outputs outputs(ResolvedConfig cfg) {
    return Outputs.weight(WEIGHT);
  }
}
