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
 * The final weight of one shard set (DESIGN.md §4.4): Π w_s^α_s over the signals (the shard set's
 * phase column for a phased signal), clipped to max-weight-ratio around the median, normalised to
 * mean 1, then, with domain targets, multiplied by one factor per domain ({@link DomainTargets}).
 * Sums are exact decimals, so the weights do not depend on partitioning.
 */
final class Weighting {
  private Weighting() {}

  static final DataType DEC = DataTypes.createDecimalType(38, 18);

  /** The weighted rows (column {@code weight}), clip/summary stats, and per-domain totals. */
  record Weighted(Dataset<Row> rows, Map<String, Object> stats, List<DomainStats> domains) {}

  static Weighted weigh(
      Dataset<Row> joined,
      SamplerParams params,
      SamplerParams.ShardSet set,
      long n,
      DomainTargets targets) {
    Map<String, Object> stats = new LinkedHashMap<>();
    Column raw = lit(1.0);
    List<Column> checks = new ArrayList<>();
    for (SamplerParams.Signal s : params.signals()) {
      String c = s.columnFor(set);
      checks.add(functions.count(functions.when(col(c).isNull(), lit(1))));
      checks.add(functions.min(functions.when(col(c).isNull(), col(Columns.ID))));
      Column w = s.alpha() == 1.0 ? col(c) : functions.pow(col(c), s.alpha());
      raw = raw.multiply(w);
    }
    if (!checks.isEmpty()) {
      // one pass checks every signal's column for missing scores
      Row missing =
          joined
              .agg(checks.get(0), checks.subList(1, checks.size()).toArray(Column[]::new))
              .first();
      for (int i = 0; i < params.signals().size(); i++) {
        if (missing.getLong(2 * i) > 0) {
          throw PipelineErrors.missingScores(
              params.signals().get(i).name(), missing.getLong(2 * i), missing.getString(2 * i + 1));
        }
      }
    }
    Dataset<Row> weighted = joined.withColumn("__rw_raw", raw);
    if (params.signals().isEmpty() || n == 0) {
      weighted = weighted.withColumn(Columns.WEIGHT, lit(1.0));
    } else {
      double median =
          SparkStats.valueAtRank(
              weighted.select(Columns.ID, "__rw_raw"),
              "__rw_raw",
              Columns.ID,
              WeightMath.quantileRank(0.5, n),
              n);
      double[] window = WeightMath.ratioWindow(median, params.maxWeightRatio());
      Column clipped =
          functions.least(functions.greatest(col("__rw_raw"), lit(window[0])), lit(window[1]));
      Row r =
          weighted
              .agg(
                  functions.sum(clipped.cast(DEC)),
                  functions.count(
                      functions.when(
                          col("__rw_raw").lt(window[0]).or(col("__rw_raw").gt(window[1])), lit(1))))
              .first();
      double mean = r.getDecimal(0).doubleValue() / n;
      weighted = weighted.withColumn(Columns.WEIGHT, clipped.divide(mean));
      stats.put("clip_low", window[0]);
      stats.put("clip_high", window[1]);
      stats.put("clipped_rows", r.getLong(1));
    }
    weighted = weighted.drop("__rw_raw");
    Map<String, Row> before = totals(weighted);
    if (targets == null) {
      return new Weighted(weighted, stats, domainStats(before));
    }
    Map<String, Long> docs = new TreeMap<>();
    Map<String, Double> weight = new TreeMap<>();
    Map<String, Double> measure = new TreeMap<>();
    before.forEach(
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
    Map<String, Row> after = totals(weighted);
    List<DomainStats> out = new ArrayList<>();
    for (String d : before.keySet()) {
      Row b = before.get(d);
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
    return new Weighted(weighted, stats, out);
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

  /** domain → [domain, documents, tokens, Σ weight, Σ weight·tokens] (exact decimals). */
  private static Map<String, Row> totals(Dataset<Row> weighted) {
    Map<String, Row> out = new TreeMap<>(java.util.Comparator.nullsFirst(String::compareTo));
    for (Row r :
        weighted
            .groupBy(col(Columns.DOMAIN))
            .agg(
                functions.count(lit(1)),
                functions.sum(col(Columns.N_TOKENS).cast("long")),
                functions.sum(col(Columns.WEIGHT).cast(DEC)),
                functions.sum(
                    col(Columns.WEIGHT)
                        .cast(DEC)
                        .multiply(col(Columns.N_TOKENS).cast(DEC))
                        .cast(DEC)))
            .collectAsList()) {
      out.put(r.isNullAt(0) ? null : r.getString(0), r);
    }
    return out;
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
