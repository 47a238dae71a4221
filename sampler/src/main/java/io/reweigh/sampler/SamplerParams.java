package io.reweigh.sampler;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.SamplerErrors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sampler's plan, computed on the driver from the config and the committed stages, shipped to
 * executors as is (docs/trainers.md; docs/trainers.md describes what it writes).
 *
 * @param seed sampler.seed: shard order, systematic offsets, copy spread
 * @param resample sampler.mode=resample
 * @param targetTokens resample mode: tokens over all shard sets (0 = the usable input's tokens)
 * @param domainTargets sampler.domain-targets as configured: null, a path, or a domain → share map
 * @param shareOfTokens sampler.domain-share-of=tokens
 * @param phases sampler.phases: one shard set per phase of the phased signal
 * @param phaseSplit phase 1's share of the token budget
 */
public record SamplerParams(
    long seed,
    boolean resample,
    long targetTokens,
    double maxWeightRatio,
    ShardSize shardSize,
    Object domainTargets,
    boolean shareOfTokens,
    boolean phases,
    double phaseSplit,
    List<Signal> signals)
    implements Serializable {

  /**
   * One weight signal: its name (commonness, …), the column holding its weight, its exponent,
   * further columns of its score table that the shards carry, and its weight column per training
   * phase (empty for a signal without phases).
   */
  public record Signal(
      String name, String column, double alpha, List<String> carried, List<String> phaseColumns)
      implements Serializable {
    public Signal {
      carried = List.copyOf(carried);
      phaseColumns = List.copyOf(phaseColumns);
    }

    public Signal(String name, String column, double alpha) {
      this(name, column, alpha, List.of(), List.of());
    }

    /** The weight column used in a shard set: the phase's column if phased, else the usual. */
    public String columnFor(ShardSet set) {
      return set.phase() > 0 && !phaseColumns.isEmpty()
          ? phaseColumns.get(set.phase() - 1)
          : column;
    }

    /** Every column of the score table the shards carry (weight columns first). */
    public List<String> allColumns() {
      List<String> out = new ArrayList<>(List.of(column));
      for (String c : carried) {
        if (!out.contains(c)) {
          out.add(c);
        }
      }
      return out;
    }
  }

  /**
   * One set of shards: written to {@code dir} (shards, or shards/phase-N), weighted with the
   * weights of {@code phase} (0 = each signal's configured column), holding {@code budgetShare} of
   * the token budget.
   */
  public record ShardSet(String name, String dir, int phase, double budgetShare)
      implements Serializable {}

  public SamplerParams {
    signals = List.copyOf(signals);
  }

  /**
   * Signals with sampler.alpha.&lt;name&gt; &gt; 0 among those whose stage ran, in the order given
   * (the order of the {@code stages} key), with the columns each declares; the shard size and mode
   * keys, checked against each other.
   */
  public static SamplerParams fromConfig(
      ResolvedConfig cfg, Map<String, io.reweigh.core.signal.Signal.Outputs> computed) {
    List<Signal> signals = new ArrayList<>();
    computed.forEach(
        (name, outputs) -> {
          double a = cfg.get(Keys.alpha(name));
          if (a > 0) {
            signals.add(
                new Signal(
                    name,
                    outputs.weightColumn(),
                    a,
                    outputs.carried(),
                    outputs.phaseWeightColumns()));
          }
        });
    boolean phases = cfg.get(Keys.SAMPLER_PHASES);
    if (phases && signals.stream().allMatch(s -> s.phaseColumns().isEmpty())) {
      throw SamplerErrors.phasesWithoutPhasedSignal(signals.stream().map(Signal::name).toList());
    }
    return new SamplerParams(
        cfg.get(Keys.SAMPLER_SEED),
        cfg.get(Keys.SAMPLER_MODE).equals("resample"),
        cfg.get(Keys.SAMPLER_TARGET_TOKENS),
        cfg.get(Keys.SAMPLER_MAX_WEIGHT_RATIO),
        ShardSize.fromConfig(cfg),
        cfg.get(Keys.SAMPLER_DOMAIN_TARGETS),
        cfg.get(Keys.SAMPLER_DOMAIN_SHARE_OF).equals("tokens"),
        phases,
        cfg.get(Keys.SAMPLER_PHASE_SPLIT),
        signals);
  }

  /** The shard sets to write: {@code shards/}, or {@code shards/phase-1/} and -2. */
  public List<ShardSet> shardSets() {
    if (!phases) {
      return List.of(new ShardSet("shards", "shards", 0, 1.0));
    }
    return List.of(
        new ShardSet("phase-1", "shards/phase-1", 1, phaseSplit),
        new ShardSet("phase-2", "shards/phase-2", 2, 1 - phaseSplit));
  }

  /** Final unnormalised weight: Π w_s^α_s (docs/trainers.md). */
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
