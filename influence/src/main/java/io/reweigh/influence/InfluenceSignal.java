package io.reweigh.influence;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigKey;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.config.ValueParser;
import io.reweigh.core.signal.Signal;
import java.util.List;

/**
 * PRESENCE self-influence (Thakkar et al., EMNLP 2023) as a signal: its config keys ({@code
 * influence.*}, including the proxy LM's, which the coreset signal reads too) and its score table's
 * columns. The Spark stage is {@code io.reweigh.influence.spark.InfluenceSignalStage}.
 */
public final class InfluenceSignal implements Signal {
  public static final String NAME = "influence";

  /** Score table columns. */
  public static final String SI = "self_influence";

  public static final String TOKENS = "influence_tokens";
  public static final String W1 = Columns.weightColumn(NAME) + "_1";
  public static final String W2 = Columns.weightColumn(NAME) + "_2";
  public static final String DROPPED = "dropped";

  /** Reject reason of documents dropped by influence.drop-top-fraction. */
  public static final String DROP_REASON = "influence-drop-top";

  public static final ConfigKey<String> MODEL =
      ConfigKey.of(
          "influence.model",
          null,
          ValueParser.nonEmptyString(),
          "A TorchScript causal LM to score with instead of training a proxy LM: forward(ids"
              + " int64[B,T]) returns (logits [B,T,V], last hidden states [B,T,d]); needs"
              + " tokenizer.kind=huggingface with the model's tokenizer.json. SI is the output"
              + " layer's per-sample gradient norm; the coreset embeds with its hidden states."
              + " A TorchScript file is code: load only models you trust (docs/byo-model.md).");
  public static final ConfigKey<Integer> TRAIN_DOCS =
      ConfigKey.of(
          "influence.train-docs",
          20_000,
          ValueParser.intRange(1, 10_000_000),
          "Proxy LM training sample: this many documents, chosen by a seeded hash of the id.");
  public static final ConfigKey<Integer> TRAIN_STEPS =
      ConfigKey.of(
          "influence.train-steps",
          500,
          ValueParser.intRange(1, 10_000_000),
          "Proxy LM training steps (Adam, constant learning rate).");
  public static final ConfigKey<Integer> TRAIN_BATCH =
      ConfigKey.of(
          "influence.train-batch",
          16,
          ValueParser.intRange(1, 4096),
          "Sequences per proxy LM training step.");
  public static final ConfigKey<Double> LEARNING_RATE =
      ConfigKey.of(
          "influence.learning-rate",
          2e-3,
          ValueParser.doubleRange(0, false, 1, true),
          "Proxy LM learning rate (also η of every checkpoint in SI = Σ η_c ‖∇ℓ‖²).");
  public static final ConfigKey<Integer> CHECKPOINTS =
      ConfigKey.of(
          "influence.checkpoints",
          1,
          ValueParser.intRange(1, 100),
          "Checkpoints summed in SI: 1 = the last only; k = k evenly spaced, ending at the last.");
  public static final ConfigKey<Integer> VOCAB =
      ConfigKey.of(
          "influence.proxy.vocab",
          16_384,
          ValueParser.intRange(16, 1 << 22),
          "Proxy LM vocabulary: tokenizer ids hashed into this many buckets (2 reserved).");
  public static final ConfigKey<Integer> WIDTH =
      ConfigKey.of(
          "influence.proxy.width",
          128,
          ValueParser.intRange(4, 4096),
          "Proxy LM model width d (a multiple of influence.proxy.heads).");
  public static final ConfigKey<Integer> BLOCKS =
      ConfigKey.of(
          "influence.proxy.blocks", 2, ValueParser.intRange(1, 8), "Proxy LM transformer blocks.");
  public static final ConfigKey<Integer> HEADS =
      ConfigKey.of(
          "influence.proxy.heads", 4, ValueParser.intRange(1, 64), "Proxy LM attention heads.");
  public static final ConfigKey<Integer> MAX_TOKENS =
      ConfigKey.of(
          "influence.max-tokens",
          128,
          ValueParser.intRange(1, 8192),
          "Tokens per document in the loss (also the proxy LM's context).");
  public static final ConfigKey<Integer> BATCH_SIZE =
      ConfigKey.of(
          "influence.batch-size",
          32,
          ValueParser.intRange(1, 4096),
          "Documents per batched per-sample-gradient pass.");
  public static final ConfigKey<List<String>> LAYERS =
      ConfigKey.of(
          "influence.layers",
          List.of("block1"),
          ValueParser.subsetOf(
              "embed", "pos", "block0", "block1", "block2", "block3", "block4", "block5", "block6",
              "block7", "head"),
          "Parameter groups θ_L whose gradient norm is SI: embed, pos, blockN (must exist in the"
              + " proxy LM), head. Default: the last block of the default 2-block proxy, which"
              + " separated noise from duplicates best (docs/influence.md).");
  public static final ConfigKey<String> LOSS_NORM =
      ConfigKey.of(
          "influence.loss-norm",
          "window",
          ValueParser.oneOf("window", "mean"),
          "Loss whose gradient is SI: window = summed token losses / max-tokens (the document's"
              + " share of a packed pretraining sequence, as PRESENCE scores); mean = mean over the"
              + " document's own tokens (favours short documents; see docs/influence.md).");
  public static final ConfigKey<Double> TAU1 =
      ConfigKey.of(
          "influence.tau1",
          1.0,
          ValueParser.doubleRange(-100, true, 100, true),
          "PRESENCE phase-1 temperature: weight_influence_1 ∝ exp(tau1 · z(SI)).");
  public static final ConfigKey<Double> TAU2 =
      ConfigKey.of(
          "influence.tau2",
          -1.0,
          ValueParser.doubleRange(-100, true, 100, true),
          "PRESENCE phase-2 temperature: weight_influence_2 ∝ exp(tau2 · z(SI)).");
  public static final ConfigKey<Double> CLIP_LOW =
      ConfigKey.of(
          "influence.clip-low",
          0.01,
          ValueParser.doubleRange(0, true, 0.5, false),
          "Presence weights below this quantile are raised to it.");
  public static final ConfigKey<Double> CLIP_HIGH =
      ConfigKey.of(
          "influence.clip-high",
          0.99,
          ValueParser.doubleRange(0.5, false, 1, true),
          "Presence weights above this quantile are lowered to it.");
  public static final ConfigKey<Double> DROP_TOP_FRACTION =
      ConfigKey.of(
          "influence.drop-top-fraction",
          0.0,
          ValueParser.doubleRange(0, true, 1, false),
          "PRESENCE-Sequential: this share of documents with the highest SI goes to rejects/"
              + " (reason influence-drop-top) instead of the shards.");
  public static final ConfigKey<Integer> THREADS =
      ConfigKey.tuning(
          "influence.threads",
          0,
          ValueParser.intRange(0, 1024),
          "PyTorch intra-op threads per executor JVM (0 = spark.executor.cores, or all cores in"
              + " local mode).");
  public static final ConfigKey<Long> SEED =
      ConfigKey.of(
          "influence.seed",
          0L,
          ValueParser.anyLong(),
          "Seed of the proxy LM: initial weights, training sample and batch order.");
  public static final ConfigKey<Integer> PHASE =
      ConfigKey.of(
          "influence.phase",
          2,
          ValueParser.intRange(1, 2),
          "Which PRESENCE weight enters the final weight: 1 (weight_influence_1, favour high SI;"
              + " PRESENCE's first 10% of training) or 2 (weight_influence_2, damp high SI). Both"
              + " columns are written to the shards.");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "PRESENCE self-influence of every document under a proxy LM trained in the run.";
  }

  @Override
  public int order() {
    return 20;
  }

  @Override
  public boolean enabledByDefault() {
    return true;
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(
        MODEL,
        TRAIN_DOCS,
        TRAIN_STEPS,
        TRAIN_BATCH,
        LEARNING_RATE,
        CHECKPOINTS,
        VOCAB,
        WIDTH,
        BLOCKS,
        HEADS,
        MAX_TOKENS,
        BATCH_SIZE,
        LAYERS,
        LOSS_NORM,
        TAU1,
        TAU2,
        CLIP_LOW,
        CLIP_HIGH,
        DROP_TOP_FRACTION,
        THREADS,
        SEED,
        PHASE);
  }

  /** Proxy LM parameters: embeddings, positions, blocks (≈ 12 d² each) and the head. */
  static long proxyParameters(ResolvedConfig cfg) {
    long v = cfg.get(VOCAB);
    long d = cfg.get(WIDTH);
    return 2 * v * d + v + (long) cfg.get(MAX_TOKENS) * d + cfg.get(BLOCKS) * 12L * d * d;
  }

  @Override
  public Estimate estimate(ResolvedConfig cfg, long docs, long tokens) {
    if (cfg.get(MODEL) != null) {
      long scored = Math.min(tokens, docs * (long) cfg.get(MAX_TOKENS));
      return new Estimate(
          String.format(
              java.util.Locale.ROOT,
              "TorchScript model %s: %,d documents (%,d tokens) scored, one forward per batch",
              cfg.get(MODEL),
              docs,
              scored),
          0,
          0,
          "task: the model once per JVM + one batch's logits [batch-size, max-tokens, V]");
    }
    long p = proxyParameters(cfg);
    long scored = Math.min(tokens, docs * (long) cfg.get(MAX_TOKENS));
    long batch = cfg.get(BATCH_SIZE);
    // per task: the model, then a batch's logits and their gradient [B,T,V] plus per-sample
    // gradients of the scored layers (at most the whole model per sample)
    long task = 4 * p + 2 * 4 * batch * cfg.get(MAX_TOKENS) * (long) cfg.get(VOCAB) + 4 * batch * p;
    return new Estimate(
        String.format(
            java.util.Locale.ROOT,
            "proxy LM of %,d parameters: %,d training steps of %d documents; %,d documents"
                + " (%,d tokens) scored at %d checkpoint(s)",
            p,
            cfg.get(TRAIN_STEPS),
            cfg.get(TRAIN_BATCH),
            docs,
            scored,
            cfg.get(CHECKPOINTS)),
        4 * p * (3 + cfg.get(CHECKPOINTS)),
        task,
        "driver: model, Adam state and checkpoints; task: model once per JVM + one batch");
  }

  @Override
  public List<String> scoreColumns() {
    return List.of(SI, TOKENS);
  }

  @Override
  public Outputs outputs(ResolvedConfig cfg) {
    int phase = cfg.get(PHASE);
    return new Outputs(
        phase == 1 ? W1 : W2,
        List.of(phase == 1 ? W2 : W1),
        DROPPED,
        DROP_REASON,
        "self-influence in the top "
            + cfg.get(DROP_TOP_FRACTION)
            + " of the corpus; influence.drop-top-fraction",
        List.of(W1, W2));
  }
}
