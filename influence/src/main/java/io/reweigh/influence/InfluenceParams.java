package io.reweigh.influence;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The influence stages' plan (proxy-model training and scoring), resolved on the driver. */
public record InfluenceParams(
    ProxyLmConfig shape,
    int trainDocs,
    int trainSteps,
    int trainBatch,
    double learningRate,
    int checkpoints,
    int maxTokens,
    int batchSize,
    List<String> layers,
    SelfInfluence.Norm lossNorm,
    double tau1,
    double tau2,
    double clipLow,
    double clipHigh,
    double dropTopFraction,
    int threads,
    long seed,
    Tokenizer tokenizer)
    implements Serializable {

  public InfluenceParams {
    layers = List.copyOf(layers);
  }

  public static InfluenceParams fromConfig(ResolvedConfig cfg) {
    int width = cfg.get(Keys.INFLUENCE_WIDTH);
    int heads = cfg.get(Keys.INFLUENCE_HEADS);
    int blocks = cfg.get(Keys.INFLUENCE_BLOCKS);
    if (width % heads != 0) {
      throw PipelineErrors.invalidValue(
          Keys.INFLUENCE_WIDTH.key(),
          width,
          null,
          "a multiple of influence.proxy.heads (" + heads + ")");
    }
    List<String> layers = cfg.get(Keys.INFLUENCE_LAYERS);
    if (layers.isEmpty()) {
      throw PipelineErrors.invalidValue(
          Keys.INFLUENCE_LAYERS.key(), layers, null, "at least one of embed, pos, blockN, head");
    }
    for (String l : layers) {
      if (l.startsWith("block") && Integer.parseInt(l.substring(5)) >= blocks) {
        throw PipelineErrors.invalidValue(
            Keys.INFLUENCE_LAYERS.key(),
            layers,
            null,
            "layer groups of the proxy LM, which has blocks block0..block" + (blocks - 1));
      }
    }
    double lo = cfg.get(Keys.INFLUENCE_CLIP_LOW);
    double hi = cfg.get(Keys.INFLUENCE_CLIP_HIGH);
    int maxTokens = cfg.get(Keys.INFLUENCE_MAX_TOKENS);
    return new InfluenceParams(
        new ProxyLmConfig(cfg.get(Keys.INFLUENCE_VOCAB), width, blocks, heads, maxTokens),
        cfg.get(Keys.INFLUENCE_TRAIN_DOCS),
        cfg.get(Keys.INFLUENCE_TRAIN_STEPS),
        cfg.get(Keys.INFLUENCE_TRAIN_BATCH),
        cfg.get(Keys.INFLUENCE_LEARNING_RATE),
        cfg.get(Keys.INFLUENCE_CHECKPOINTS),
        maxTokens,
        cfg.get(Keys.INFLUENCE_BATCH_SIZE),
        layers,
        SelfInfluence.Norm.valueOf(
            cfg.get(Keys.INFLUENCE_LOSS_NORM).toUpperCase(java.util.Locale.ROOT)),
        cfg.get(Keys.INFLUENCE_TAU1),
        cfg.get(Keys.INFLUENCE_TAU2),
        lo,
        hi,
        cfg.get(Keys.INFLUENCE_DROP_TOP_FRACTION),
        cfg.get(Keys.INFLUENCE_THREADS),
        cfg.get(Keys.INFLUENCE_SEED),
        Tokenizers.fromConfig(cfg));
  }

  /** 1-based training steps after which a checkpoint is kept: k evenly spaced, the last = steps. */
  public List<Integer> checkpointSteps() {
    int k = Math.min(checkpoints, trainSteps);
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i <= k; i++) {
      out.add((int) Math.round((double) trainSteps * i / k));
    }
    return out;
  }
}
