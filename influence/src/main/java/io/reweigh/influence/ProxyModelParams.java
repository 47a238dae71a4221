package io.reweigh.influence;

import static io.reweigh.influence.InfluenceSignal.BLOCKS;
import static io.reweigh.influence.InfluenceSignal.HEADS;
import static io.reweigh.influence.InfluenceSignal.WIDTH;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxy-model stage's plan: what the trained LM depends on, and nothing else (so that a
 * weighting key such as influence.tau1 never retrains it). Shared by the influence and coreset
 * signals, which both read the committed model.
 */
public record ProxyModelParams(
    ProxyLmConfig shape,
    int trainDocs,
    int trainSteps,
    int trainBatch,
    double learningRate,
    int checkpoints,
    int maxTokens,
    int threads,
    long seed,
    Tokenizer tokenizer)
    implements Serializable {

  public static ProxyModelParams fromConfig(ResolvedConfig cfg) {
    int width = cfg.get(WIDTH);
    int heads = cfg.get(HEADS);
    if (width % heads != 0) {
      throw PipelineErrors.invalidValue(
          WIDTH.key(), width, null, "a multiple of influence.proxy.heads (" + heads + ")");
    }
    int maxTokens = cfg.get(InfluenceSignal.MAX_TOKENS);
    return new ProxyModelParams(
        new ProxyLmConfig(cfg.get(InfluenceSignal.VOCAB), width, cfg.get(BLOCKS), heads, maxTokens),
        cfg.get(InfluenceSignal.TRAIN_DOCS),
        cfg.get(InfluenceSignal.TRAIN_STEPS),
        cfg.get(InfluenceSignal.TRAIN_BATCH),
        cfg.get(InfluenceSignal.LEARNING_RATE),
        cfg.get(InfluenceSignal.CHECKPOINTS),
        maxTokens,
        cfg.get(InfluenceSignal.THREADS),
        cfg.get(InfluenceSignal.SEED),
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
