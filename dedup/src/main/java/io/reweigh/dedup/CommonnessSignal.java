package io.reweigh.dedup;

import io.reweigh.core.config.ConfigKey;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.config.ValueParser;
import io.reweigh.core.signal.Signal;
import java.util.List;

/**
 * SoftDedup n-gram commonness (He et al., ACL 2024) as a signal: its config keys ({@code
 * softdedup.*}) and its score table's columns. The Spark stage is {@code
 * io.reweigh.dedup.spark.CommonnessSignalStage}; registered in
 * META-INF/services/io.reweigh.core.signal.Signal.
 */
public final class CommonnessSignal implements Signal {
  public static final String NAME = "commonness";

  /** Score table columns: id, n_tokens, log_prob, commonness, weight_commonness. */
  public static final String LOG_PROB = "log_prob";

  public static final String COMMONNESS = "commonness";
  public static final String WEIGHT = "weight_" + NAME;

  public static final ConfigKey<Integer> ORDER =
      ConfigKey.of(
          "softdedup.order",
          4,
          ValueParser.intRange(1, 6),
          "n-gram order of the Kneser-Ney model.");
  public static final ConfigKey<String> MODE =
      ConfigKey.of(
          "softdedup.mode",
          "exact",
          ValueParser.oneOf("exact", "sketch"),
          "exact: modified Kneser-Ney over exact counts (in memory or distributed, see"
              + " softdedup.exact.path); sketch: count-min sketches, one pass, no shuffle (see"
              + " docs/softdedup.md).");
  public static final ConfigKey<String> EXACT_PATH =
      ConfigKey.tuning(
          "softdedup.exact.path",
          "auto",
          ValueParser.oneOf("auto", "in-memory", "distributed"),
          "Exact mode's plan; both give the same bits. in-memory: tasks count n-grams into"
              + " primitive tables, the driver merges them and computes every probability, and"
              + " executors score documents from a broadcast map (no shuffle). distributed: Spark"
              + " aggregations and joins that spill, for tables larger than one JVM. auto: in-memory"
              + " while the merged tables stay within softdedup.exact.in-memory-limit, otherwise"
              + " distributed; the manifest states the path taken and why.");
  public static final ConfigKey<Long> EXACT_MEMORY_LIMIT =
      ConfigKey.tuning(
          "softdedup.exact.in-memory-limit",
          0L,
          ValueParser.longRange(0, Long.MAX_VALUE),
          "Bytes the merged n-gram tables may take on the driver before auto falls back to the"
              + " distributed path (0 = a third of the driver's heap; the broadcast probability map"
              + " must also fit in a quarter of spark.executor.memory).");
  public static final ConfigKey<Double> SKETCH_EPS =
      ConfigKey.of(
          "softdedup.sketch.eps",
          1e-6,
          ValueParser.doubleRange(0, false, 1, false),
          "Count-min relative error: each count is over-estimated by at most eps × (all updates)"
              + " with probability confidence. Memory ≈ 8 bytes × ceil(2/eps) × depth.");
  public static final ConfigKey<Double> SKETCH_CONFIDENCE =
      ConfigKey.of(
          "softdedup.sketch.confidence",
          0.99,
          ValueParser.doubleRange(0, false, 1, false),
          "Count-min confidence (1 - delta).");
  public static final ConfigKey<Integer> SKETCH_VALIDATION_DOCS =
      ConfigKey.of(
          "softdedup.sketch.validation-docs",
          2000,
          ValueParser.intRange(0, 1_000_000),
          "Sketch mode: score a seeded sample of this many documents in both modes and report"
              + " their Spearman rank agreement in the manifest (0 = skip).");
  public static final ConfigKey<String> WEIGHTING =
      ConfigKey.of(
          "softdedup.weighting",
          "segmented",
          ValueParser.oneOf("segmented", "inverse"),
          "segmented: weight ∝ 1 / mean commonness of the document's quantile segment; inverse:"
              + " weight ∝ 1 / commonness.");
  public static final ConfigKey<Integer> SEGMENTS =
      ConfigKey.of(
          "softdedup.segments",
          10,
          ValueParser.intRange(1, 1000),
          "Number of quantile segments for segmented weighting.");
  public static final ConfigKey<Double> CLIP_LOW =
      ConfigKey.of(
          "softdedup.clip-low",
          0.01,
          ValueParser.doubleRange(0, true, 0.5, false),
          "Weights below this quantile of all weights are raised to it.");
  public static final ConfigKey<Double> CLIP_HIGH =
      ConfigKey.of(
          "softdedup.clip-high",
          0.99,
          ValueParser.doubleRange(0.5, false, 1, true),
          "Weights above this quantile of all weights are lowered to it.");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "SoftDedup n-gram commonness: common (duplicated, templated) text is down-weighted.";
  }

  @Override
  public int order() {
    return 10;
  }

  @Override
  public boolean enabledByDefault() {
    return true;
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(
        ORDER,
        MODE,
        EXACT_PATH,
        EXACT_MEMORY_LIMIT,
        SKETCH_EPS,
        SKETCH_CONFIDENCE,
        SKETCH_VALIDATION_DOCS,
        WEIGHTING,
        SEGMENTS,
        CLIP_LOW,
        CLIP_HIGH);
  }

  /**
   * At most this many hot n-grams are kept on the driver and scored from a broadcast map by the
   * distributed exact path (dedup/spark/ExactCommonness.java); the memory estimate counts them.
   */
  public static final int HOT_KEYS = 100_000;

  @Override
  public Estimate estimate(ResolvedConfig cfg, long docs, long tokens) {
    int order = cfg.get(ORDER);
    long grams = tokens * order;
    if ("sketch".equals(cfg.get(MODE))) {
      long width = (long) Math.ceil(2 / cfg.get(SKETCH_EPS));
      long depth = (long) Math.ceil(-Math.log(1 - cfg.get(SKETCH_CONFIDENCE)) / Math.log(2));
      long bytes = 8 * width * depth;
      return new Estimate(
          String.format(
              java.util.Locale.ROOT, "%,d n-gram sketch updates (orders 1..%d)", grams, order),
          bytes,
          bytes,
          "one count-min sketch (8 B × width × depth) per task and one merged on the driver");
    }
    return new Estimate(
        String.format(
            java.util.Locale.ROOT,
            "%,d n-gram occurrences (orders 1..%d), ≤ %,d distinct: counted in task tables"
                + " merged on the driver when they fit (softdedup.exact.path=auto), else with"
                + " ~%d shuffles",
            grams,
            order,
            grams,
            4 * order + 4),
        (long) HOT_KEYS * 64,
        -1,
        "in memory: ~62 B per distinct gram on the driver, 34-68 B per distinct n-gram per"
            + " executor; else the hot n-gram map on the driver and counts in Spark aggregation"
            + " buffers that spill");
  }

  @Override
  public List<String> scoreColumns() {
    return List.of(COMMONNESS, LOG_PROB);
  }

  @Override
  public Outputs outputs(ResolvedConfig cfg) {
    return Outputs.weight(WEIGHT);
  }
}
