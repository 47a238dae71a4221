package io.reweigh.influence;

import static io.reweigh.influence.InfluenceSignal.LAYERS;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.text.Tokenizer;
import java.io.Serializable;
import java.util.List;

/**
 * How documents are scored with the proxy LM and how self-influence becomes PRESENCE weights,
 * resolved on the driver. The model it scores with comes from the proxy-model stage ({@link
 * #proxy()}).
 */
public record InfluenceParams(
    ProxyModelParams proxy,
    int batchSize,
    List<String> layers,
    SelfInfluence.Norm lossNorm,
    double tau1,
    double tau2,
    double clipLow,
    double clipHigh,
    double dropTopFraction)
    implements Serializable {

  public InfluenceParams {
    layers = List.copyOf(layers);
  }

  public static InfluenceParams fromConfig(ResolvedConfig cfg) {
    ProxyModelParams proxy = ProxyModelParams.fromConfig(cfg);
    List<String> layers = proxy.userModel() ? List.of("head") : layers(cfg, proxy);
    return new InfluenceParams(
        proxy,
        cfg.get(InfluenceSignal.BATCH_SIZE),
        layers,
        SelfInfluence.Norm.valueOf(
            cfg.get(InfluenceSignal.LOSS_NORM).toUpperCase(java.util.Locale.ROOT)),
        cfg.get(InfluenceSignal.TAU1),
        cfg.get(InfluenceSignal.TAU2),
        cfg.get(InfluenceSignal.CLIP_LOW),
        cfg.get(InfluenceSignal.CLIP_HIGH),
        cfg.get(InfluenceSignal.DROP_TOP_FRACTION));
  }

  /**
   * influence.layers, checked against the proxy LM's blocks. A user's TorchScript model is scored
   * on its output layer only, and the key is not read.
   */
  private static List<String> layers(ResolvedConfig cfg, ProxyModelParams proxy) {
    int blocks = proxy.shape().layers();
    List<String> layers = cfg.get(LAYERS);
    if (layers.isEmpty()) {
      throw PipelineErrors.invalidValue(
          LAYERS.key(), layers, null, "at least one of embed, pos, blockN, head");
    }
    for (String l : layers) {
      if (l.startsWith("block") && Integer.parseInt(l.substring(5)) >= blocks) {
        throw PipelineErrors.invalidValue(
            LAYERS.key(),
            layers,
            null,
            "layer groups of the proxy LM, which has blocks block0..block" + (blocks - 1));
      }
    }
    return layers;
  }

  /** A document as the scoring model's input ({@link ProxyModelParams#encode}). */
  public int[] encode(String text) {
    return proxy.encode(text);
  }

  public ProxyLmConfig shape() {
    return proxy.shape();
  }

  public int maxTokens() {
    return proxy.maxTokens();
  }

  public Tokenizer tokenizer() {
    return proxy.tokenizer();
  }

  public int threads() {
    return proxy.threads();
  }
}
