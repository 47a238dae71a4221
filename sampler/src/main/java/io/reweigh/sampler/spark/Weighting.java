package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.error.SamplerErrors;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.weights.WeightMath;
import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.DomainTargets;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.WeightFormula;
import io.reweigh.sampler.WeightStats;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
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
  private Weighting() {}

  static final DataType DEC = DataTypes.createDecimalType(38, 18);

  /**
   * The weighted rows (column {@code weight}), their stats (the clip, and the final weights' min,
   * approximate median, max and exact mean, as SparkStats.summary) and per-domain totals.
   */
  record Weighted(Dataset<Row> rows, WeightStats stats, List<DomainStats> domains) {}

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
    requireScores(params, set, missing);
    Dataset<Row> weighted = joined.withColumn(Scratch.RAW, product(params, set));
    Clip clip = null;
    if (params.signals().isEmpty() || n == 0) {
      weighted = weighted.withColumn(Columns.WEIGHT, lit(1.0));
    } else {
      clip = clip(weighted, params.maxWeightRatio(), n);
      weighted = weighted.withColumn(Columns.WEIGHT, normalised(clip));
    }
    weighted = weighted.drop(Scratch.RAW);
    Totals before = totals(weighted);
    if (targets == null) {
      return new Weighted(weighted, stats(clip, before), domainStats(before.byDomain()));
    }
    return withTargets(weighted, params, targets, clip, before);
  }

  /** Fails when some document has no score in a column the shard set weighs by. */
  private static void requireScores(
      SamplerParams params, SamplerParams.ShardSet set, Map<String, Object[]> missing) {
    for (SamplerParams.Signal s : params.signals()) {
      Object[] m = missing.get(s.columnFor(set));
      if ((Long) m[0] > 0) {
        throw PipelineErrors.missingScores(s.name(), (Long) m[0], (String) m[1]);
      }
    }
  }

  /** Π w_s^α_s of each row ({@link WeightFormula#times}, one signal after the other). */
  private static Column product(SamplerParams params, SamplerParams.ShardSet set) {
    Column raw = lit(1.0);
    for (SamplerParams.Signal s : params.signals()) {
      double alpha = s.alpha();
      UserDefinedFunction times =
          functions.udf(
              (UDF2<Double, Double, Double>) (p, w) -> WeightFormula.times(p, w, alpha),
              DataTypes.DoubleType);
      raw = times.apply(raw, col(s.columnFor(set)).cast("double"));
    }
    return raw;
  }

  /** The clip window around the median raw weight, the rows outside it and the clipped mean. */
  private record Clip(double low, double high, long rows, double mean) implements Serializable {}

  /** The median raw weight (exact), its window, and in one pass Σ clipped and the rows outside. */
  private static Clip clip(Dataset<Row> withRaw, double maxWeightRatio, long n) {
    double median =
        SparkStats.valueAtRank(
            withRaw.select(Columns.ID, Scratch.RAW),
            Scratch.RAW,
            Columns.ID,
            WeightMath.quantileRank(0.5, n),
            n);
    double[] window = WeightMath.ratioWindow(median, maxWeightRatio);
    double lo = window[0];
    double hi = window[1];
    // a null product (tune's candidates only: the sampler fails on missing scores first) clips to
    // the low end and counts as inside, as Spark SQL's greatest/least and comparisons had it
    UserDefinedFunction clipped =
        functions.udf(
            (UDF1<Double, Double>) raw -> raw == null ? lo : WeightFormula.clip(raw, lo, hi),
            DataTypes.DoubleType);
    UserDefinedFunction outside =
        functions.udf(
            (UDF1<Double, Boolean>) raw -> raw != null && WeightFormula.outside(raw, lo, hi),
            DataTypes.BooleanType);
    Row r =
        withRaw
            .agg(
                functions.sum(clipped.apply(col(Scratch.RAW)).cast(DEC)),
                functions.count(functions.when(outside.apply(col(Scratch.RAW)), lit(1))))
            .first();
    return new Clip(lo, hi, r.getLong(1), r.getDecimal(0).doubleValue() / n);
  }

  /** The clipped raw weight divided by the clipped mean ({@link WeightFormula#normalise}). */
  private static Column normalised(Clip c) {
    UserDefinedFunction f =
        functions.udf(
            (UDF1<Double, Double>)
                raw ->
                    WeightFormula.normalise(
                        raw == null ? c.low() : WeightFormula.clip(raw, c.low(), c.high()),
                        c.mean()),
            DataTypes.DoubleType);
    return f.apply(col(Scratch.RAW));
  }

  /** The manifest's weight stats: the clip (null without one) and the summary of the weights. */
  private static WeightStats stats(Clip clip, Totals t) {
    return new WeightStats(
        clip == null ? null : clip.high(),
        clip == null ? null : clip.low(),
        clip == null ? null : clip.rows(),
        t.max(),
        t.mean(),
        t.median(),
        t.min());
  }

  /** Multiplies each domain's weights by its factor ({@link DomainTargets#scales}). */
  private static Weighted withTargets(
      Dataset<Row> weighted,
      SamplerParams params,
      DomainTargets targets,
      Clip clip,
      Totals before) {
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
    Dataset<Row> scaled = weighted.withColumn(Columns.WEIGHT, col(Columns.WEIGHT).multiply(factor));
    Totals after = totals(scaled);
    List<DomainStats> out = new ArrayList<>();
    for (String d : before.byDomain().keySet()) {
      Row b = before.byDomain().get(d);
      Row a = after.byDomain().get(d);
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
    return new Weighted(scaled, stats(clip, after), out);
  }

  /** Checks that every document has a domain (domain targets need one). */
  static void requireDomains(Dataset<Row> joined) {
    Row r =
        joined
            .filter(col(Columns.DOMAIN).isNull())
            .agg(functions.count(lit(1)), functions.min(Columns.ID))
            .first();
    if (r.getLong(0) > 0) {
      throw SamplerErrors.documentsWithoutDomain(r.getLong(0), r.getString(1));
    }
  }

  /**
   * Per-domain totals rows and the weights' min, approximate median, max and exact mean over every
   * row (null without rows).
   */
  private record Totals(
      Map<String, Row> byDomain, Double min, Double median, Double max, Double mean) {}

  /**
   * domain → [domain, documents, tokens, Σ weight, Σ weight·tokens] (exact decimals), and the
   * weights' min, approximate median, max and exact mean over all rows: one pass (a rollup whose
   * grand-total row gives the summary).
   */
  private static Totals totals(Dataset<Row> weighted) {
    Map<String, Row> out = new TreeMap<>(java.util.Comparator.nullsFirst(String::compareTo));
    Double[] summary = new Double[4];
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
        summary[0] = r.getDouble(5);
        summary[1] = r.getDouble(6);
        summary[2] = r.getDouble(7);
        summary[3] = r.getDecimal(3).doubleValue() / r.getLong(1);
      }
    }
    return new Totals(out, summary[0], summary[1], summary[2], summary[3]);
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
