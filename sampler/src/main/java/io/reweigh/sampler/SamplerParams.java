package io.reweigh.sampler;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampler's plan, computed on the driver from the config and the committed stages, shipped to
 * executors as is.
 */
public record SamplerParams(long seed, int shardRows, double maxWeightRatio, List<Signal> signals)
    implements Serializable {

  /**
   * One weight signal: its name (softdedup, …), the column holding its weight, its exponent, and
   * further columns of its score table that the shards carry.
   */
  public record Signal(String name, String column, double alpha, List<String> carried)
      implements Serializable {
    public Signal {
      carried = List.copyOf(carried);
    }

    public Signal(String name, String column, double alpha) {
      this(name, column, alpha, List.of());
    }
  }

  public SamplerParams {
    signals = List.copyOf(signals);
  }

  /** Signals with alpha > 0 among those whose stage ran. */
  public static SamplerParams fromConfig(ResolvedConfig cfg, List<String> computedStages) {
    List<Signal> signals = new ArrayList<>();
    if (computedStages.contains(Keys.STAGE_COMMONNESS)) {
      double a = cfg.get(Keys.SAMPLER_ALPHA_SOFTDEDUP);
      if (a > 0) {
        signals.add(new Signal("softdedup", "weight_softdedup", a));
      }
    }
    if (computedStages.contains(Keys.STAGE_INFLUENCE)) {
      double a = cfg.get(Keys.SAMPLER_ALPHA_PRESENCE);
      if (a > 0) {
        int phase = cfg.get(Keys.SAMPLER_PRESENCE_PHASE);
        String other = "weight_presence_" + (3 - phase);
        signals.add(new Signal("presence", "weight_presence_" + phase, a, List.of(other)));
      }
    }
    return new SamplerParams(
        cfg.get(Keys.SAMPLER_SEED),
        cfg.get(Keys.SAMPLER_SHARD_ROWS),
        cfg.get(Keys.SAMPLER_MAX_WEIGHT_RATIO),
        signals);
  }

  /** Final unnormalised weight: Π w_s^α_s (DESIGN.md §4.4). */
  public double combine(double[] weights) {
    if (weights.length != signals.size()) {
      throw new IllegalArgumentException("expected " + signals.size() + " weights");
    }
    double w = 1.0;
    for (int i = 0; i < weights.length; i++) {
      double a = signals.get(i).alpha();
      w *= a == 1.0 ? weights[i] : StrictMath.pow(weights[i], a);
    }
    return w;
  }
}
