package io.reweigh.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config registry: every key reweigh understands, with its default, validation and help. The
 * table in docs/config.md is generated from this class ({@code reweigh config-doc}); a key that is
 * not here is rejected.
 */
public final class Keys {
  private Keys() {}

  private static final Map<String, ConfigKey<?>> REGISTRY = new LinkedHashMap<>();

  /** Scopes: which stage's output a key changes. */
  public static final String SCOPE_RUN = "run";

  public static final String SCOPE_INPUT = "input";
  public static final String SCOPE_TOKENIZER = "tokenizer";
  public static final String SCOPE_SOFTDEDUP = "softdedup";
  public static final String SCOPE_INFLUENCE = "influence";
  public static final String SCOPE_SAMPLER = "sampler";

  /** Signals this build can compute, in pipeline order. */
  public static final String STAGE_COMMONNESS = "commonness";

  public static final String STAGE_INFLUENCE = "influence";

  public static final ConfigKey<List<String>> STAGES =
      add(
          "stages",
          List.of(STAGE_COMMONNESS, STAGE_INFLUENCE),
          ValueParser.subsetOf(STAGE_COMMONNESS, STAGE_INFLUENCE),
          "Signals to compute (any subset, may be empty: then every weight is 1).",
          SCOPE_RUN);

  public static final ConfigKey<String> INPUT_FORMAT =
      add(
          "input.format",
          "auto",
          ValueParser.oneOf("auto", "parquet", "jsonl"),
          "Input format; auto decides by file extension.",
          SCOPE_INPUT);
  public static final ConfigKey<String> INPUT_ID_COLUMN =
      add(
          "input.id-column",
          "id",
          ValueParser.nonEmptyString(),
          "Column (JSON field) with the document id.",
          SCOPE_INPUT);
  public static final ConfigKey<String> INPUT_TEXT_COLUMN =
      add(
          "input.text-column",
          "text",
          ValueParser.nonEmptyString(),
          "Column (JSON field) with the document text.",
          SCOPE_INPUT);
  public static final ConfigKey<String> INPUT_DOMAIN_COLUMN =
      add(
          "input.domain-column",
          "domain",
          ValueParser.nonEmptyString(),
          "Column (JSON field) with the document domain; optional in the data.",
          SCOPE_INPUT);
  public static final ConfigKey<Boolean> INPUT_GENERATE_IDS =
      add(
          "input.generate-ids",
          false,
          ValueParser.bool(),
          "Derive ids as '<file name>#<row index>' (Parquet: 0-based row; JSONL: 1-based line)"
              + " instead of reading an id column.",
          SCOPE_INPUT);
  public static final ConfigKey<Integer> INPUT_MAX_DOC_CHARS =
      add(
          "input.max-doc-chars",
          10_000_000,
          ValueParser.intRange(1, Integer.MAX_VALUE),
          "Documents longer than this (in chars) go to rejects/.",
          SCOPE_INPUT);

  public static final ConfigKey<String> TOKENIZER_KIND =
      add(
          "tokenizer.kind",
          "unicode",
          ValueParser.oneOf("unicode"),
          "Tokenizer: unicode (runs of letters/digits, single other characters).",
          SCOPE_TOKENIZER);
  public static final ConfigKey<Boolean> TOKENIZER_LOWERCASE =
      add(
          "tokenizer.lowercase",
          false,
          ValueParser.bool(),
          "Lower-case tokens before counting.",
          SCOPE_TOKENIZER);

  public static final ConfigKey<Integer> SOFTDEDUP_ORDER =
      add(
          "softdedup.order",
          4,
          ValueParser.intRange(1, 6),
          "n-gram order of the Kneser-Ney model.",
          SCOPE_SOFTDEDUP);
  public static final ConfigKey<String> SOFTDEDUP_MODE =
      add(
          "softdedup.mode",
          "exact",
          ValueParser.oneOf("exact", "sketch"),
          "exact: modified Kneser-Ney over exact distributed counts; sketch: count-min sketches,"
              + " one pass, no shuffle (see docs/softdedup.md).",
          SCOPE_SOFTDEDUP);
  public static final ConfigKey<Double> SOFTDEDUP_SKETCH_EPS =
      add(
          "softdedup.sketch.eps",
          1e-6,
          ValueParser.doubleRange(0, false, 1, false),
          "Count-min relative error: each count is over-estimated by at most eps × (all updates)"
              + " with probability confidence. Memory ≈ 8 bytes × ceil(2/eps) × depth.",
          SCOPE_SOFTDEDUP);
  public static final ConfigKey<Double> SOFTDEDUP_SKETCH_CONFIDENCE =
      add(
          "softdedup.sketch.confidence",
          0.99,
          ValueParser.doubleRange(0, false, 1, false),
          "Count-min confidence (1 - delta).",
          SCOPE_SOFTDEDUP);
  public static final ConfigKey<Integer> SOFTDEDUP_SKETCH_VALIDATION_DOCS =
      add(
          "softdedup.sketch.validation-docs",
          2000,
          ValueParser.intRange(0, 1_000_000),
          "Sketch mode: score a seeded sample of this many documents in both modes and report"
              + " their Spearman rank agreement in the manifest (0 = skip).",
          SCOPE_SOFTDEDUP);
  public static final ConfigKey<String> SOFTDEDUP_WEIGHTING =
      add(
          "softdedup.weighting",
          "segmented",
          ValueParser.oneOf("segmented", "inverse"),
          "segmented: weight ∝ 1 / mean commonness of the document's quantile segment; inverse:"
              + " weight ∝ 1 / commonness.",
          SCOPE_SOFTDEDUP);
  public static final ConfigKey<Integer> SOFTDEDUP_SEGMENTS =
      add(
          "softdedup.segments",
          10,
          ValueParser.intRange(1, 1000),
          "Number of quantile segments for segmented weighting.",
          SCOPE_SOFTDEDUP);
  public static final ConfigKey<Double> SOFTDEDUP_CLIP_LOW =
      add(
          "softdedup.clip-low",
          0.01,
          ValueParser.doubleRange(0, true, 0.5, false),
          "Weights below this quantile of all weights are raised to it.",
          SCOPE_SOFTDEDUP);
  public static final ConfigKey<Double> SOFTDEDUP_CLIP_HIGH =
      add(
          "softdedup.clip-high",
          0.99,
          ValueParser.doubleRange(0.5, false, 1, true),
          "Weights above this quantile of all weights are lowered to it.",
          SCOPE_SOFTDEDUP);

  public static final ConfigKey<Integer> INFLUENCE_TRAIN_DOCS =
      add(
          "influence.train-docs",
          20_000,
          ValueParser.intRange(1, 10_000_000),
          "Proxy LM training sample: this many documents, chosen by a seeded hash of the id.",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_TRAIN_STEPS =
      add(
          "influence.train-steps",
          500,
          ValueParser.intRange(1, 10_000_000),
          "Proxy LM training steps (Adam, constant learning rate).",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_TRAIN_BATCH =
      add(
          "influence.train-batch",
          16,
          ValueParser.intRange(1, 4096),
          "Sequences per proxy LM training step.",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Double> INFLUENCE_LEARNING_RATE =
      add(
          "influence.learning-rate",
          2e-3,
          ValueParser.doubleRange(0, false, 1, true),
          "Proxy LM learning rate (also η of every checkpoint in SI = Σ η_c ‖∇ℓ‖²).",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_CHECKPOINTS =
      add(
          "influence.checkpoints",
          1,
          ValueParser.intRange(1, 100),
          "Checkpoints summed in SI: 1 = the last only; k = k evenly spaced, ending at the last.",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_VOCAB =
      add(
          "influence.proxy.vocab",
          16_384,
          ValueParser.intRange(16, 1 << 22),
          "Proxy LM vocabulary: tokenizer ids hashed into this many buckets (2 reserved).",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_WIDTH =
      add(
          "influence.proxy.width",
          128,
          ValueParser.intRange(4, 4096),
          "Proxy LM model width d (a multiple of influence.proxy.heads).",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_BLOCKS =
      add(
          "influence.proxy.blocks",
          2,
          ValueParser.intRange(1, 8),
          "Proxy LM transformer blocks.",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_HEADS =
      add(
          "influence.proxy.heads",
          4,
          ValueParser.intRange(1, 64),
          "Proxy LM attention heads.",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_MAX_TOKENS =
      add(
          "influence.max-tokens",
          128,
          ValueParser.intRange(1, 8192),
          "Tokens per document in the loss (also the proxy LM's context).",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_BATCH_SIZE =
      add(
          "influence.batch-size",
          32,
          ValueParser.intRange(1, 4096),
          "Documents per batched per-sample-gradient pass.",
          SCOPE_INFLUENCE);
  public static final ConfigKey<List<String>> INFLUENCE_LAYERS =
      add(
          "influence.layers",
          List.of("block1"),
          ValueParser.subsetOf(
              "embed", "pos", "block0", "block1", "block2", "block3", "block4", "block5", "block6",
              "block7", "head"),
          "Parameter groups θ_L whose gradient norm is SI: embed, pos, blockN (must exist in the"
              + " proxy LM), head. Default: the last block of the default 2-block proxy, which"
              + " separated noise from duplicates best (docs/influence.md).",
          SCOPE_INFLUENCE);
  public static final ConfigKey<String> INFLUENCE_LOSS_NORM =
      add(
          "influence.loss-norm",
          "window",
          ValueParser.oneOf("window", "mean"),
          "Loss whose gradient is SI: window = summed token losses / max-tokens (the document's"
              + " share of a packed pretraining sequence, as PRESENCE scores); mean = mean over the"
              + " document's own tokens (favours short documents; see docs/influence.md).",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Double> INFLUENCE_TAU1 =
      add(
          "influence.tau1",
          1.0,
          ValueParser.doubleRange(-100, true, 100, true),
          "PRESENCE phase-1 temperature: weight_presence_1 ∝ exp(tau1 · z(SI)).",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Double> INFLUENCE_TAU2 =
      add(
          "influence.tau2",
          -1.0,
          ValueParser.doubleRange(-100, true, 100, true),
          "PRESENCE phase-2 temperature: weight_presence_2 ∝ exp(tau2 · z(SI)).",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Double> INFLUENCE_CLIP_LOW =
      add(
          "influence.clip-low",
          0.01,
          ValueParser.doubleRange(0, true, 0.5, false),
          "Presence weights below this quantile are raised to it.",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Double> INFLUENCE_CLIP_HIGH =
      add(
          "influence.clip-high",
          0.99,
          ValueParser.doubleRange(0.5, false, 1, true),
          "Presence weights above this quantile are lowered to it.",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Double> INFLUENCE_DROP_TOP_FRACTION =
      add(
          "influence.drop-top-fraction",
          0.0,
          ValueParser.doubleRange(0, true, 1, false),
          "PRESENCE-Sequential: this share of documents with the highest SI goes to rejects/"
              + " (reason influence-drop-top) instead of the shards.",
          SCOPE_INFLUENCE);
  public static final ConfigKey<Integer> INFLUENCE_THREADS =
      add(
          "influence.threads",
          0,
          ValueParser.intRange(0, 1024),
          "PyTorch intra-op threads per executor JVM (0 = spark.executor.cores, or all cores in"
              + " local mode).",
          SCOPE_RUN);
  public static final ConfigKey<Long> INFLUENCE_SEED =
      add(
          "influence.seed",
          0L,
          ValueParser.anyLong(),
          "Seed of the proxy LM: initial weights, training sample and batch order.",
          SCOPE_INFLUENCE);

  public static final ConfigKey<String> SAMPLER_MODE =
      add(
          "sampler.mode",
          "weighted",
          ValueParser.oneOf("weighted"),
          "weighted: every usable document once with a weight column.",
          SCOPE_SAMPLER);
  public static final ConfigKey<Double> SAMPLER_ALPHA_SOFTDEDUP =
      add(
          "sampler.alpha.softdedup",
          1.0,
          ValueParser.doubleRange(0, true, 100, true),
          "Exponent of the SoftDedup weight in the product (0 switches the signal off).",
          SCOPE_SAMPLER);
  public static final ConfigKey<Double> SAMPLER_ALPHA_PRESENCE =
      add(
          "sampler.alpha.presence",
          1.0,
          ValueParser.doubleRange(0, true, 100, true),
          "Exponent of the PRESENCE weight in the product (0 switches the signal off).",
          SCOPE_SAMPLER);
  public static final ConfigKey<Integer> SAMPLER_PRESENCE_PHASE =
      add(
          "sampler.presence-phase",
          2,
          ValueParser.intRange(1, 2),
          "Which PRESENCE weight enters the final weight: 1 (weight_presence_1, favour high SI;"
              + " PRESENCE's first 10% of training) or 2 (weight_presence_2, damp high SI). Both"
              + " columns are written to the shards.",
          SCOPE_SAMPLER);
  public static final ConfigKey<Double> SAMPLER_MAX_WEIGHT_RATIO =
      add(
          "sampler.max-weight-ratio",
          100.0,
          ValueParser.doubleRange(1, true, Double.POSITIVE_INFINITY, false),
          "Clip final weights so that max weight / min weight ≤ this (around the median).",
          SCOPE_SAMPLER);
  public static final ConfigKey<Integer> SAMPLER_SHARD_ROWS =
      add(
          "sampler.shard-rows",
          100_000,
          ValueParser.intRange(1, Integer.MAX_VALUE),
          "Rows per output shard (the last shard may be smaller).",
          SCOPE_SAMPLER);
  public static final ConfigKey<Long> SAMPLER_SEED =
      add(
          "sampler.seed",
          0L,
          ValueParser.anyLong(),
          "Seed for every random choice in the run (shard order, samples).",
          SCOPE_SAMPLER);

  private static <T> ConfigKey<T> add(
      String key, T def, ValueParser<T> parser, String help, String scope) {
    ConfigKey<T> k = new ConfigKey<>(key, def, parser, help, scope);
    if (REGISTRY.put(key, k) != null) {
      throw new IllegalStateException("duplicate config key " + key);
    }
    return k;
  }

  public static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(new ArrayList<>(REGISTRY.values()));
  }

  public static ConfigKey<?> find(String key) {
    return REGISTRY.get(key);
  }

  public static List<String> names() {
    return List.copyOf(REGISTRY.keySet());
  }

  /** Markdown table of every key (docs/config.md is generated from this). */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | default | valid values | meaning |\n|---|---|---|---|\n");
    for (ConfigKey<?> k : REGISTRY.values()) {
      sb.append("| `")
          .append(k.key())
          .append("` | `")
          .append(k.defaultText())
          .append("` | ")
          .append(k.expected().replace("|", "\\|"))
          .append(" | ")
          .append(k.help().replace("|", "\\|"))
          .append(" |\n");
    }
    return sb.toString();
  }
}
