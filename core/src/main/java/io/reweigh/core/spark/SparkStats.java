package io.reweigh.core.spark;

import static org.apache.spark.sql.functions.col;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Exact, partitioning-independent statistics. Floating-point sums in Spark depend on the order in
 * which partitions are combined; these helpers sum in DECIMAL(38,18) (exact and associative) and
 * derive quantiles from global ranks, so that the same input gives the same bits whatever the
 * number of executors or partitions (docs/guarantees.md, determinism).
 */
public final class SparkStats {
  private SparkStats() {}

  /** Exact sum of a double column (as DECIMAL(38,18)), returned as double. Empty → 0. */
  public static double exactSum(Dataset<Row> df, String column) {
    Row r = df.agg(functions.sum(col(column).cast(DataTypes.createDecimalType(38, 18)))).first();
    BigDecimal s = r.isNullAt(0) ? BigDecimal.ZERO : r.getDecimal(0);
    return s.doubleValue();
  }

  /** Exact mean of a double column; NaN for an empty dataset. */
  public static double exactMean(Dataset<Row> df, String column) {
    Row r =
        df.agg(
                functions.sum(col(column).cast(DataTypes.createDecimalType(38, 18))),
                functions.count(col(column)))
            .first();
    long n = r.getLong(1);
    return n == 0 ? Double.NaN : r.getDecimal(0).doubleValue() / n;
  }

  /**
   * {@link #exactMean} of a column whose rows take few distinct values, from the values and their
   * row counts, without a pass: each value becomes DECIMAL(38,18) as Spark's cast does ({@code
   * Decimal(double)} rounded half-up to scale 18), the sum is exact, so the result has the same
   * bits as the aggregate over the rows.
   */
  public static double exactMeanOfGroups(double[] values, long[] counts) {
    BigDecimal sum = BigDecimal.ZERO;
    long n = 0;
    for (int i = 0; i < values.length; i++) {
      org.apache.spark.sql.types.Decimal d = org.apache.spark.sql.types.Decimal.apply(values[i]);
      if (!d.changePrecision(38, 18)) {
        throw new ArithmeticException(values[i] + " does not fit DECIMAL(38,18)");
      }
      sum = sum.add(d.toJavaBigDecimal().multiply(BigDecimal.valueOf(counts[i])));
      n += counts[i];
    }
    return n == 0 ? Double.NaN : sum.doubleValue() / n;
  }

  /**
   * Adds a 0-based global rank column in the total order (value, tieBreak). The tie-break column
   * must be unique (the document id), which makes the rank deterministic.
   */
  public static Dataset<Row> withRank(
      Dataset<Row> df, String valueCol, String tieBreakCol, String rankCol) {
    SparkSession spark = df.sparkSession();
    Dataset<Row> sorted = df.orderBy(col(valueCol), col(tieBreakCol));
    StructType schema = sorted.schema().add(rankCol, DataTypes.LongType, false);
    JavaRDD<Row> ranked =
        sorted
            .javaRDD()
            .zipWithIndex()
            .map(
                t -> {
                  Row r = t._1();
                  Object[] vals = new Object[r.length() + 1];
                  for (int i = 0; i < r.length(); i++) {
                    vals[i] = r.get(i);
                  }
                  vals[r.length()] = t._2();
                  return RowFactory.create(vals);
                });
    return spark.createDataFrame(ranked, schema);
  }

  /**
   * A long column: the seeded 64-bit hash of a string id column (Hash64.seeded). Ordering by it,
   * then by id, gives the seeded document order that samples and shards use.
   */
  public static org.apache.spark.sql.Column seededHash(long seed, String idCol) {
    return functions
        .udf(
            (org.apache.spark.sql.api.java.UDF1<String, Long>)
                id -> io.reweigh.core.hash.Hash64.seeded(seed, id),
            DataTypes.LongType)
        .apply(col(idCol));
  }

  /**
   * Exact lower and upper clip bounds: the values of {@code valueCol} at the {@code lo} and {@code
   * hi} quantile ranks (WeightMath.quantileRank) of {@code n} rows ranked by (value, id).
   */
  public static double[] clipBounds(
      Dataset<Row> df, String valueCol, String idCol, long n, double lo, double hi) {
    Dataset<Row> ranked = withRank(df.select(idCol, valueCol), valueCol, idCol, "_clip_rank");
    return valuesAtRanks(
        ranked,
        valueCol,
        "_clip_rank",
        io.reweigh.core.weights.WeightMath.quantileRank(lo, n),
        io.reweigh.core.weights.WeightMath.quantileRank(hi, n));
  }

  /**
   * The value at one 0-based rank in the order (value, id) of {@code n} rows, exactly, without a
   * global sort: percentile_approx brackets the rank (its rank error is at most n / 10,000), one
   * pass counts the rows below the bracket and collects the few inside it, and the driver picks the
   * exact row. Falls back to {@link #withRank} if the bracket misses.
   */
  public static double valueAtRank(
      Dataset<Row> df, String valueCol, String idCol, long rank, long n) {
    double q = n <= 1 ? 0 : (double) rank / (n - 1);
    double lo = Math.max(0, q - 3e-4);
    double hi = Math.min(1, q + 3e-4);
    Row b =
        df.agg(
                functions.percentile_approx(
                    col(valueCol),
                    functions.array(functions.lit(lo), functions.lit(hi)),
                    functions.lit(10_000)))
            .first();
    List<Double> bounds = b.getList(0);
    double vlo = bounds.get(0);
    double vhi = bounds.get(1);
    Row r =
        df.agg(
                functions.count(functions.when(col(valueCol).lt(vlo), functions.lit(1))),
                functions.collect_list(
                    functions.when(
                        col(valueCol).geq(vlo).and(col(valueCol).leq(vhi)),
                        functions.struct(col(valueCol), col(idCol)))))
            .first();
    long below = r.getLong(0);
    List<Row> inside = new java.util.ArrayList<>(r.getList(1));
    inside.sort(
        java.util.Comparator.comparingDouble((Row x) -> x.getDouble(0))
            .thenComparing(x -> x.getString(1)));
    long at = rank - below;
    if (at >= 0 && at < inside.size()) {
      return inside.get((int) at).getDouble(0);
    }
    Dataset<Row> ranked = withRank(df.select(idCol, valueCol), valueCol, idCol, "_v_rank");
    return valuesAtRanks(ranked, valueCol, "_v_rank", rank)[0];
  }

  /** The values of {@code valueCol} at the given ranks, in the order asked. */
  public static double[] valuesAtRanks(
      Dataset<Row> ranked, String valueCol, String rankCol, long... ranks) {
    Object[] wanted = Arrays.stream(ranks).boxed().toArray();
    Map<Long, Double> found = new LinkedHashMap<>();
    for (Row r :
        ranked.filter(col(rankCol).isin(wanted)).select(rankCol, valueCol).collectAsList()) {
      found.put(r.getLong(0), r.getDouble(1));
    }
    double[] out = new double[ranks.length];
    for (int i = 0; i < ranks.length; i++) {
      Double v = found.get(ranks[i]);
      if (v == null) {
        throw new IllegalStateException("no row at rank " + ranks[i]);
      }
      out[i] = v;
    }
    return out;
  }

  /** min, median (approximate, rel. error ≤ 1e-4), max and exact mean of a column. */
  public static Map<String, Double> summary(Dataset<Row> df, String column) {
    return summaries(df, column).get(column);
  }

  /** {@link #summary} of several columns in one pass, by column. */
  public static Map<String, Map<String, Double>> summaries(Dataset<Row> df, String... columns) {
    List<org.apache.spark.sql.Column> aggs = new java.util.ArrayList<>();
    for (String c : columns) {
      aggs.add(functions.min(col(c)));
      aggs.add(functions.percentile_approx(col(c), functions.lit(0.5), functions.lit(10000)));
      aggs.add(functions.max(col(c)));
      aggs.add(functions.sum(col(c).cast(DataTypes.createDecimalType(38, 18))));
      aggs.add(functions.count(col(c)));
    }
    Row r =
        df.agg(
                aggs.get(0),
                aggs.subList(1, aggs.size()).toArray(org.apache.spark.sql.Column[]::new))
            .first();
    Map<String, Map<String, Double>> all = new LinkedHashMap<>();
    for (int i = 0; i < columns.length; i++) {
      int b = 5 * i;
      Map<String, Double> out = new LinkedHashMap<>();
      long n = r.getLong(b + 4);
      out.put("min", n == 0 ? null : r.getDouble(b));
      out.put("median", n == 0 ? null : r.getDouble(b + 1));
      out.put("max", n == 0 ? null : r.getDouble(b + 2));
      out.put("mean", n == 0 ? null : r.getDecimal(b + 3).doubleValue() / n);
      all.put(columns[i], out);
    }
    return all;
  }
}
