package io.reweigh.sampler;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sampler's plan, computed on the driver from the config and the committed stages, shipped to
 * executors as is.
 */
public record SamplerParams(long seed, int shardRows, double maxWeightRatio, List<Signal> signals)
    implements Serializable {

  /**
   * One weight signal: its name (commonness, …), the column holding its weight, its exponent, and
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

  /**
   * Signals with sampler.alpha.&lt;name&gt; &gt; 0 among those whose stage ran, in the order given
   * (the order of the {@code stages} key), with the columns each declares.
   */
  public static SamplerParams fromConfig(
      ResolvedConfig cfg, Map<String, io.reweigh.core.signal.Signal.Outputs> computed) {
    List<Signal> signals = new ArrayList<>();
    computed.forEach(
        (name, outputs) -> {
          double a = cfg.get(Keys.alpha(name));
          if (a > 0) {
            signals.add(new Signal(name, outputs.weightColumn(), a, outputs.carried()));
          }
        });
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
