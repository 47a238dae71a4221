package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.weights.WeightMath;
import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.DomainTargets;
import io.reweigh.sampler.SamplerParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The final weight of one shard set (docs/trainers.md): Π w_s^α_s over the signals (the shard set's
 * phase column for a phased signal), clipped to max-weight-ratio around the median, normalised to
 * mean 1, then, with domain targets, multiplied by one factor per domain ({@link DomainTargets}).
 * Sums are exact decimals, so the weights do not depend on partitioning.
 */
final class Weighting {
  // scratch columns, dropped before anything is written (Columns.INTERNAL_PREFIX)
  private static final String RAW_COL = Columns.INTERNAL_PREFIX + "raw";

  private Weighting() {}

  static final DataType DEC = DataTypes.createDecimalType(38, 18);

  /**
   * The weighted rows (column {@code weight}), clip stats, per-domain totals and the summary of the
   * final weights (min, approximate median, max, exact mean, as SparkStats.summary).
   */
  record Weighted(
      Dataset<Row> rows,
      Map<String, Object> stats,
      List<DomainStats> domains,
      Map<String, Double> summary) {}

  /**
   * The score columns some shard set weighs by (each signal's column for each set), in a fixed
   * order: their missing-score counts ride on the sampler's first pass ({@link #missingChecks}).
   */
  static List<String> scoreColumns(SamplerParams params) {
    List<String> out = new ArrayList<>();
    for (SamplerParams.ShardSet set : params.shardSets()) {
      for (SamplerParams.Signal s : params.signals()) {
        if (!out.contains(s.columnFor(set))) {
          out.add(s.columnFor(set));
        }
      }
    }
    return out;
  }

  /** Per score column: rows without a score, and the smallest such id. */
  static List<Column> missingChecks(List<String> scoreColumns) {
    List<Column> checks = new ArrayList<>();
    for (String c : scoreColumns) {
      checks.add(functions.count(functions.when(col(c).isNull(), lit(1))));
      checks.add(functions.min(functions.when(col(c).isNull(), col(Columns.ID))));
    }
    return checks;
  }

  /**
   * @param missing per score column, {rows without a score, smallest such id} ({@link
   *     #missingChecks}, computed with the sampler's first pass)
   */
  static Weighted weigh(
      Dataset<Row> joined,
      SamplerParams params,
      SamplerParams.ShardSet set,
      long n,
      DomainTargets targets,
      Map<String, Object[]> missing) {
    Map<String, Object> stats = new LinkedHashMap<>();
    Column raw = lit(1.0);
    for (SamplerParams.Signal s : params.signals()) {
      String c = s.columnFor(set);
      Object[] m = missing.get(c);
      if ((Long) m[0] > 0) {
        throw PipelineErrors.missingScores(s.name(), (Long) m[0], (String) m[1]);
      }
      Column w = s.alpha() == 1.0 ? col(c) : functions.pow(col(c), s.alpha());
      raw = raw.multiply(w);
    }
    Dataset<Row> weighted = joined.withColumn(RAW_COL, raw);
    if (params.signals().isEmpty() || n == 0) {
      weighted = weighted.withColumn(Columns.WEIGHT, lit(1.0));
    } else {
      double median =
          SparkStats.valueAtRank(
              weighted.select(Columns.ID, RAW_COL),
              RAW_COL,
              Columns.ID,
              WeightMath.quantileRank(0.5, n),
              n);
      double[] window = WeightMath.ratioWindow(median, params.maxWeightRatio());
      Column clipped =
          functions.least(functions.greatest(col(RAW_COL), lit(window[0])), lit(window[1]));
      Row r =
          weighted
              .agg(
                  functions.sum(clipped.cast(DEC)),
                  functions.count(
                      functions.when(
                          col(RAW_COL).lt(window[0]).or(col(RAW_COL).gt(window[1])), lit(1))))
              .first();
      double mean = r.getDecimal(0).doubleValue() / n;
      weighted = weighted.withColumn(Columns.WEIGHT, clipped.divide(mean));
      stats.put("clip_low", window[0]);
      stats.put("clip_high", window[1]);
      stats.put("clipped_rows", r.getLong(1));
    }
    weighted = weighted.drop(RAW_COL);
    Totals before = totals(weighted);
    if (targets == null) {
      return new Weighted(weighted, stats, domainStats(before.byDomain()), before.summary());
    }
    Map<String, Long> docs = new TreeMap<>();
    Map<String, Double> weight = new TreeMap<>();
    Map<String, Double> measure = new TreeMap<>();
    before
        .byDomain()
        .forEach(
            (d, r) -> {
              if (d == null) {
                return;
              }
              docs.put(d, r.getLong(1));
              weight.put(d, r.getDecimal(3).doubleValue());
              measure.put(
                  d, (params.shareOfTokens() ? r.getDecimal(4) : r.getDecimal(3)).doubleValue());
            });
    Map<String, Double> factors = targets.scales(docs, weight, measure);
    Column factor = null;
    for (Map.Entry<String, Double> e : factors.entrySet()) {
      Column is = col(Columns.DOMAIN).equalTo(e.getKey());
      factor = factor == null ? functions.when(is, e.getValue()) : factor.when(is, e.getValue());
    }
    weighted = weighted.withColumn(Columns.WEIGHT, col(Columns.WEIGHT).multiply(factor));
    Totals afterTotals = totals(weighted);
    Map<String, Row> after = afterTotals.byDomain();
    List<DomainStats> out = new ArrayList<>();
    for (String d : before.byDomain().keySet()) {
      Row b = before.byDomain().get(d);
      Row a = after.get(d);
      out.add(
          new DomainStats(
              d,
              b.getLong(1),
              b.isNullAt(2) ? 0 : b.getLong(2),
              b.getDecimal(3).doubleValue(),
              a.getDecimal(3).doubleValue(),
              a.getDecimal(4).doubleValue(),
              targets.shares().get(d),
              factors.get(d),
              null,
              null));
    }
    return new Weighted(weighted, stats, out, afterTotals.summary());
  }

  /** Checks that every document has a domain (domain targets need one). */
  static void requireDomains(Dataset<Row> joined) {
    Row r =
        joined
            .filter(col(Columns.DOMAIN).isNull())
            .agg(functions.count(lit(1)), functions.min(Columns.ID))
            .first();
    if (r.getLong(0) > 0) {
      throw PipelineErrors.documentsWithoutDomain(r.getLong(0), r.getString(1));
    }
  }

  /** Per-domain totals rows and the summary of the weight column over every row. */
  private record Totals(Map<String, Row> byDomain, Map<String, Double> summary) {}

  /**
   * domain → [domain, documents, tokens, Σ weight, Σ weight·tokens] (exact decimals), and the
   * weights' min, approximate median, max and exact mean over all rows: one pass (a rollup whose
   * grand-total row gives the summary).
   */
  private static Totals totals(Dataset<Row> weighted) {
    Map<String, Row> out = new TreeMap<>(java.util.Comparator.nullsFirst(String::compareTo));
    Map<String, Double> summary = new LinkedHashMap<>();
    for (String k : new String[] {"min", "median", "max", "mean"}) {
      summary.put(k, null);
    }
    Column w = col(Columns.WEIGHT);
    for (Row r :
        weighted
            .rollup(col(Columns.DOMAIN))
            .agg(
                functions.count(lit(1)),
                functions.sum(col(Columns.N_TOKENS).cast("long")),
                functions.sum(w.cast(DEC)),
                functions.sum(w.cast(DEC).multiply(col(Columns.N_TOKENS).cast(DEC)).cast(DEC)),
                functions.min(w),
                functions.percentile_approx(w, lit(0.5), lit(10000)),
                functions.max(w),
                functions.grouping_id())
            .collectAsList()) {
      if (r.getLong(8) == 0) {
        out.put(r.isNullAt(0) ? null : r.getString(0), r);
      } else if (r.getLong(1) > 0) {
        summary.put("min", r.getDouble(5));
        summary.put("median", r.getDouble(6));
        summary.put("max", r.getDouble(7));
        summary.put("mean", r.getDecimal(3).doubleValue() / r.getLong(1));
      }
    }
    return new Totals(out, summary);
  }

  /** Per-domain totals without domain targets (factor 1; the null domain included). */
  private static List<DomainStats> domainStats(Map<String, Row> totals) {
    List<DomainStats> out = new ArrayList<>();
    totals.forEach(
        (d, r) -> {
          double w = r.getDecimal(3).doubleValue();
          out.add(
              new DomainStats(
                  d,
                  r.getLong(1),
                  r.isNullAt(2) ? 0 : r.getLong(2),
                  w,
                  w,
                  r.getDecimal(4).doubleValue(),
                  null,
                  1.0,
                  null,
                  null));
        });
    return out;
  }
}
