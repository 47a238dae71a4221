package io.reweigh.jobs;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.signal.Signal;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code reweigh validate} prints besides rows and rejects, without Spark: the resolved config
 * (every key, non-defaults marked) and, per stage, the estimated work and memory for the usable
 * rows and tokens it found (docs/guarantees.md, "Memory model per stage", gives the model behind
 * the numbers).
 */
public final class Validation {
  private Validation() {}

  public static String configTable(ResolvedConfig cfg) {
    Map<String, Object> defaults = ResolvedConfig.defaults().asMap();
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Object> e : new TreeMap<>(cfg.asMap()).entrySet()) {
      boolean changed =
          !Objects.equals(String.valueOf(defaults.get(e.getKey())), String.valueOf(e.getValue()));
      s.append(
          String.format(
              Locale.ROOT, "  %s %-36s %s%n", changed ? "*" : " ", e.getKey(), e.getValue()));
    }
    return s.toString();
  }

  public static String estimates(ResolvedConfig cfg, long bytes, long docs, long tokens) {
    StringBuilder s = new StringBuilder("estimated work and memory per stage:\n");
    row(
        s,
        Columns.INGEST_STAGE,
        String.format(Locale.ROOT, "read %s, tokenize %,d documents", size(bytes), docs),
        0,
        -1,
        "one row at a time per task; the file list on the driver");
    for (String name : cfg.stages()) {
      Signal.Estimate e = SignalStages.signal(name).estimate(cfg, docs, tokens);
      if (e == null) {
        s.append(String.format(Locale.ROOT, "  %-11s (no estimate)%n", name));
      } else {
        row(s, name, e.work(), e.driverBytes(), e.taskBytes(), e.memoryNote());
      }
    }
    boolean broadcast = docs <= io.reweigh.sampler.spark.ShardWriter.BROADCAST_ROWS;
    row(
        s,
        "sampler",
        String.format(
            Locale.ROOT,
            "weigh and order %,d documents, one shuffle of the text into shards (%s)",
            docs,
            size(bytes)),
        broadcast ? docs * 48 : 0,
        -1,
        broadcast
            ? "the shard assignment (~48 B per document) broadcast from the driver"
            : "per-shard counts on the driver; the assignment joined by a shuffle");
    return s.toString();
  }

  private static void row(
      StringBuilder s, String stage, String work, long driver, long task, String note) {
    s.append(String.format(Locale.ROOT, "  %-11s %s%n", stage, work))
        .append(
            String.format(
                Locale.ROOT,
                "  %-11s memory: driver %s, per task %s (%s)%n",
                "",
                driver == 0 ? "small" : size(driver),
                task < 0 ? "bounded by Spark, spills" : size(task),
                note));
  }

  /** Bytes in B, KB, MB, GB (powers of 1024). */
  static String size(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] u = {"KB", "MB", "GB", "TB"};
    double v = b;
    int i = -1;
    while (v >= 1024 && i < u.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
  }
}
