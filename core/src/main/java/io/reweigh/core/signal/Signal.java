package io.reweigh.core.signal;

import io.reweigh.core.config.ConfigKey;
import io.reweigh.core.config.ResolvedConfig;
import java.util.List;

/**
 * A weight signal as the rest of the system sees it, without Spark (docs/architecture.md, "Adding a
 * signal"). One name serves as the value in the {@code stages} key, the folder {@code
 * stages/<name>/}, the weight column {@code weight_<name>} and the exponent key {@code
 * sampler.alpha.<name>}. Implementations are registered with one line in {@code
 * META-INF/services/io.reweigh.core.signal.Signal} of their module and found by {@link Signals}.
 *
 * <p>The Spark computation is an {@code io.reweigh.core.spark.SignalStage} in the module's {@code
 * spark} package, registered the same way and matched by name, so that config validation, docs and
 * the sampler's plan need no Spark.
 */
public interface Signal {
  /** Lower-case name: stage, folder and column suffix. */
  String name();

  /** One line for docs and the report. */
  String description();

  /** Position in listings and in the default {@code stages} value (lower first). */
  int order();

  /** Whether {@code stages} contains this signal by default. */
  boolean enabledByDefault();

  /** The config keys this signal reads (registered with the base keys of {@code Keys}). */
  List<ConfigKey<?>> keys();

  /** The weight columns of the score table the sampler reads. */
  Outputs outputs(ResolvedConfig cfg);

  /**
   * What the sampler takes from a score table: the weight column that enters Π w^α, further columns
   * carried to the shards, optionally a boolean column whose true rows go to rejects/ with {@code
   * dropLabel} in the reject_reason column and {@code dropDetail} in reject_detail) instead of the
   * shards, and, for a signal with training phases (PRESENCE), the weight column of each phase in
   * order (empty otherwise; used by {@code sampler.phases}).
   */
  record Outputs(
      String weightColumn,
      List<String> carried,
      String dropColumn,
      String dropLabel,
      String dropDetail,
      List<String> phaseWeightColumns) {
    public Outputs {
      carried = List.copyOf(carried);
      phaseWeightColumns = List.copyOf(phaseWeightColumns);
      if ((dropColumn == null) != (dropLabel == null)) {
        throw new IllegalArgumentException("dropColumn and dropLabel go together");
      }
      if (dropColumn == null && dropDetail != null) {
        throw new IllegalArgumentException("a dropDetail needs a dropColumn");
      }
    }

    /** No dropped rows, no phases. */
    public Outputs(String weightColumn, List<String> carried) {
      this(weightColumn, carried, null, null, null, List.of());
    }

    /** Just the weight column. */
    public static Outputs weight(String column) {
      return new Outputs(column, List.of());
    }
  }

  /**
   * Score columns of the score table that explain a weight (report histograms and scatter plots,
   * {@code reweigh explain}); the first is the signal's headline score. Empty: only the weight
   * columns are shown.
   */
  default List<String> scoreColumns() {
    return List.of();
  }

  /**
   * Orders of magnitude for {@code reweigh validate}: the work this signal does on {@code docs}
   * documents of {@code tokens} tokens and the memory it needs on the driver and per task (bytes;
   * -1 where Spark's own buffers bound it and spill to disk). Null: no estimate.
   */
  default Estimate estimate(ResolvedConfig cfg, long docs, long tokens) {
    return null;
  }

  /** Estimated work and memory of one stage (see {@link #estimate}). */
  record Estimate(String work, long driverBytes, long taskBytes, String memoryNote) {}
}
