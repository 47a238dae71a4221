package io.reweigh.influence;

import java.io.Serializable;

/**
 * Shape of the proxy LM (docs/influence.md): a decoder-only transformer with {@code layers}
 * pre-norm blocks of width {@code dModel} and {@code heads} attention heads over {@code context}
 * positions; token ids are hashed into {@code vocab} buckets (0 = padding, 1 = document boundary).
 */
public record ProxyLmConfig(int vocab, int dModel, int layers, int heads, int context)
    implements Serializable {

  public ProxyLmConfig {
    if (vocab < 4 || dModel < 1 || layers < 1 || heads < 1 || context < 2) {
      throw new IllegalArgumentException("invalid proxy LM shape " + this);
    }
    if (dModel % heads != 0) {
      throw new IllegalArgumentException(
          "model width " + dModel + " is not divisible by " + heads + " heads");
    }
  }

  public int headDim() {
    return dModel / heads;
  }

  /** Number of trainable parameters. */
  public long parameterCount() {
    long d = dModel;
    long block = 2 * d + 3 * d * d + 3 * d + d * d + d + 2 * d + 4 * d * d + 4 * d + 4 * d * d + d;
    return (long) vocab * d + (long) context * d + layers * block + 2 * d + d * vocab + vocab;
  }
}
