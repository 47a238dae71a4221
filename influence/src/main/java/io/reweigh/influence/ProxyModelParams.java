package io.reweigh.influence;

import static io.reweigh.influence.InfluenceSignal.BLOCKS;
import static io.reweigh.influence.InfluenceSignal.HEADS;
import static io.reweigh.influence.InfluenceSignal.WIDTH;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.io.KeyFiles;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxy-model stage's plan: what the trained LM depends on, and nothing else (so that a
 * weighting key such as influence.tau1 never retrains it). Shared by the influence and coreset
 * signals, which both read the committed model. With {@code influence.model} set, the stage imports
 * that TorchScript LM instead of training ({@link #userModel()}): then only the model file (path
 * and sha256), the tokenizer and max-tokens are read, and {@link #shape()} is null.
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
    Tokenizer tokenizer,
    String model,
    String modelSha256)
    implements Serializable {

  /** What an influence.model file is called in messages. */
  public static final String MODEL_FILE = "TorchScript causal LM";

  public static ProxyModelParams fromConfig(ResolvedConfig cfg) {
    String model = cfg.get(InfluenceSignal.MODEL);
    if (model != null) {
      Tokenizer tok = Tokenizers.fromConfig(cfg);
      if (tok.vocabularySize() == 0) {
        throw PipelineErrors.usage(
            "influence.model is set but tokenizer.kind="
                + cfg.get(io.reweigh.core.config.Keys.TOKENIZER_KIND)
                + " has no vocabulary ids to feed it.",
            "Set tokenizer.kind=huggingface and tokenizer.path to the tokenizer.json the model was"
                + " trained with (docs/byo-model.md).");
      }
      String sha = KeyFiles.sha256(InfluenceSignal.MODEL.key(), model, MODEL_FILE);
      cfg.noteContent(InfluenceSignal.MODEL.key(), sha);
      return new ProxyModelParams(
          null,
          0,
          0,
          0,
          1.0,
          1,
          cfg.get(InfluenceSignal.MAX_TOKENS),
          cfg.get(InfluenceSignal.THREADS),
          0,
          tok,
          model,
          sha);
    }
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
        Tokenizers.fromConfig(cfg),
        null,
        null);
  }

  /** True when the stage imports a user's TorchScript LM (influence.model) instead of training. */
  public boolean userModel() {
    return model != null;
  }

  /**
   * A document as the scoring model's input: the tokenizer's ids for a user model, the proxy LM's
   * framed and mapped ids otherwise ({@link Sequences}).
   */
  public int[] encode(String text) {
    return userModel()
        ? Sequences.raw(tokenizer, text, maxTokens)
        : Sequences.encode(tokenizer, text, shape.vocab(), maxTokens);
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
