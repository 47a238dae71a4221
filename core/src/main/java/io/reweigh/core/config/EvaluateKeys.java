package io.reweigh.core.config;

import io.reweigh.core.signal.Signals;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * The keys of {@code reweigh evaluate} (docs/evaluation.md) and {@code reweigh tune}
 * (docs/tuning.md); registered by {@link Keys} after the sampler's keys.
 */
public final class EvaluateKeys {
  private EvaluateKeys() {}

  private static final List<ConfigKey<?>> ALL = new ArrayList<>();

  // ---- reweigh evaluate (docs/evaluation.md): a separate small LM trained once per arm ----

  /** The arms' names besides the signals' own. */
  public static final String ARM_UNIFORM = "uniform";

  public static final String ARM_WEIGHTED = "weighted";
  public static final String ARM_RESAMPLED = "resampled";

  public static final ConfigKey<List<String>> EVAL_ARMS =
      add(
          ConfigKey.fromSignals(
              "evaluate.arms",
              () -> List.of(ARM_UNIFORM, ARM_WEIGHTED),
              () ->
                  ValueParser.subsetOf(
                      Stream.concat(
                              Stream.of(ARM_UNIFORM, ARM_WEIGHTED, ARM_RESAMPLED),
                              Signals.names().stream())
                          .toArray(String[]::new)),
              "Arms of reweigh evaluate: uniform (every usable document alike), weighted (∝ weight),"
                  + " a signal's name (∝ weight_<signal>), resampled (the resampled shards' rows)."));
  public static final ConfigKey<Integer> EVAL_STEPS =
      add(
          ConfigKey.of(
              "evaluate.steps",
              400,
              ValueParser.intRange(1, 10_000_000),
              "Training steps per arm (the same for every arm)."));
  public static final ConfigKey<Integer> EVAL_BATCH =
      add(
          ConfigKey.of(
              "evaluate.batch",
              16,
              ValueParser.intRange(1, 4096),
              "Packed windows of evaluate.proxy.context tokens per step."));
  public static final ConfigKey<Integer> EVAL_EVERY =
      add(
          ConfigKey.of(
              "evaluate.every",
              25,
              ValueParser.intRange(1, 10_000_000),
              "Held-out perplexity is measured every this many steps (and after the last)."));
  public static final ConfigKey<Double> EVAL_LEARNING_RATE =
      add(
          ConfigKey.of(
              "evaluate.learning-rate",
              1e-3,
              ValueParser.doubleRange(0, false, 1, true),
              "Peak learning rate (Adam; linear warm-up, then cosine decay to a tenth of it)."));
  public static final ConfigKey<Double> EVAL_WARMUP =
      add(
          ConfigKey.of(
              "evaluate.warmup",
              0.1,
              ValueParser.doubleRange(0, true, 1, false),
              "Share of the steps spent warming the learning rate up linearly."));
  public static final ConfigKey<Long> EVAL_SEED =
      add(
          ConfigKey.of(
              "evaluate.seed",
              0L,
              ValueParser.anyLong(),
              "First seed: seed i of evaluate.seeds is this + i (initial weights and draws);"
                  + " it also seeds the held-out sample."));
  public static final ConfigKey<Integer> EVAL_SEEDS =
      add(
          ConfigKey.of(
              "evaluate.seeds",
              3,
              ValueParser.intRange(1, 100),
              "Training runs per arm, one per seed; ratios are reported with their 95% interval"
                  + " across them (1 = a quick look without an interval)."));
  public static final ConfigKey<Integer> EVAL_MIN_TOKENS =
      add(
          ConfigKey.of(
              "evaluate.min-eval-tokens",
              2_000,
              ValueParser.intRange(1, Integer.MAX_VALUE),
              "Fewer held-out tokens than this (after removing leaked documents) is an error."));
  public static final ConfigKey<Integer> EVAL_MAX_TOKENS =
      add(
          ConfigKey.of(
              "evaluate.max-eval-tokens",
              50_000,
              ValueParser.intRange(1, Integer.MAX_VALUE),
              "Held-out tokens scored at most: a seeded sample of windows across the whole"
                  + " held-out set."));
  public static final ConfigKey<Integer> EVAL_VOCAB =
      add(
          ConfigKey.of(
              "evaluate.proxy.vocab",
              8_192,
              ValueParser.intRange(16, 1 << 22),
              "Evaluation LM vocabulary: tokenizer ids hashed into this many buckets."));
  public static final ConfigKey<Integer> EVAL_WIDTH =
      add(
          ConfigKey.of(
              "evaluate.proxy.width",
              128,
              ValueParser.intRange(4, 4096),
              "Evaluation LM width (a multiple of evaluate.proxy.heads)."));
  public static final ConfigKey<Integer> EVAL_BLOCKS =
      add(
          ConfigKey.of(
              "evaluate.proxy.blocks",
              2,
              ValueParser.intRange(1, 8),
              "Evaluation LM transformer blocks."));
  public static final ConfigKey<Integer> EVAL_HEADS =
      add(
          ConfigKey.of(
              "evaluate.proxy.heads",
              4,
              ValueParser.intRange(1, 64),
              "Evaluation LM attention heads."));
  public static final ConfigKey<Integer> EVAL_CONTEXT =
      add(
          ConfigKey.of(
              "evaluate.proxy.context",
              128,
              ValueParser.intRange(2, 8192),
              "Evaluation LM context: tokens per packed training and held-out window."));
  public static final ConfigKey<Integer> EVAL_THREADS =
      add(
          ConfigKey.tuning(
              "evaluate.threads",
              0,
              ValueParser.intRange(0, 1024),
              "PyTorch intra-op threads of the driver while evaluating (0 = all cores)."));

  // ---- reweigh tune (docs/tuning.md): DoReMi's domain mixture, then signal strengths ----

  public static final ConfigKey<Double> TUNE_MAX_ARMS =
      add(
          ConfigKey.of(
              "tune.max-arms",
              8.0,
              ValueParser.doubleRange(1, true, 1000, true),
              "The strength search's budget in full-length training runs (successive halving:"
                  + " most candidates stop early); DoReMi's two runs and the final report come on"
                  + " top."));
  public static final ConfigKey<List<Double>> TUNE_ALPHA_GRID =
      add(
          ConfigKey.of(
              "tune.alpha-grid",
              List.of(0.0, 0.5, 1.0, 2.0),
              ValueParser.numbers(0, 100),
              "Exponents tried for each signal's sampler.alpha (0 and the run's own value are"
                  + " always added)."));
  public static final ConfigKey<Integer> TUNE_MAX_CANDIDATES =
      add(
          ConfigKey.of(
              "tune.max-candidates",
              8,
              ValueParser.intRange(2, 64),
              "Candidates entering the search at most: uniform, the run's own setting, the learned"
                  + " mixture alone and with the run's exponents, the held-out set's own domain mix"
                  + " with them, then a seeded sample of the rest of the grid."));
  public static final ConfigKey<Integer> TUNE_DOREMI_STEPS =
      add(
          ConfigKey.of(
              "tune.doremi.steps",
              0,
              ValueParser.intRange(0, 10_000_000),
              "Steps of DoReMi's reference and proxy models (0 = evaluate.steps)."));
  public static final ConfigKey<Double> TUNE_DOREMI_ETA =
      add(
          ConfigKey.of(
              "tune.doremi.eta",
              1.0,
              ValueParser.doubleRange(0, false, 100, true),
              "DoReMi's step size η of the exponentiated-gradient update of the domain weights."));
  public static final ConfigKey<Double> TUNE_DOREMI_EPSILON =
      add(
          ConfigKey.of(
              "tune.doremi.epsilon",
              1e-3,
              ValueParser.doubleRange(0, true, 1, false),
              "DoReMi's smoothing ε of the domain weights toward uniform."));

  private static <T> ConfigKey<T> add(ConfigKey<T> k) {
    ALL.add(k);
    return k;
  }

  /** In declaration order. */
  static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(ALL);
  }
}
