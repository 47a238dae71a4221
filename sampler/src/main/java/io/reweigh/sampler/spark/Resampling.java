package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.sampler.RatioSearch;
import io.reweigh.sampler.Systematic;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Resample mode (docs/trainers.md): seeded systematic sampling ({@link Systematic}) over the
 * documents in the seeded order, with the ratio r searched ({@link RatioSearch}) so that the copies
 * hold the target tokens within 0.5%. Each evaluation of r is two passes over a narrow, cached (id,
 * weight, tokens) table: partition sums of the fixed-point expectations, then the copies from the
 * partition offsets.
 */
final class Resampling implements AutoCloseable {
  static final double TOLERANCE = 0.005;
  static final int MAX_EVALUATIONS = 40;

  private final JavaRDD<Row> ordered;
  private final long offset;

  /** Narrow rows (id, weight, tokens) in the seeded document order, cached. */
  Resampling(Dataset<Row> weighted, long seed, String shardSet) {
    this.ordered =
        weighted
            .select(
                col(Columns.ID),
                col(Columns.WEIGHT),
                col(Columns.N_TOKENS).cast("long").as(Columns.N_TOKENS),
                SparkStats.seededHash(seed, Columns.ID).as(Scratch.ORDER))
            .orderBy(col(Scratch.ORDER), col(Columns.ID))
            .javaRDD()
            .persist(StorageLevel.MEMORY_AND_DISK());
    this.offset = Systematic.offset(seed, shardSet);
  }

  /** Σ w·t, which r multiplies into the expected tokens. */
  static double weightedTokens(Dataset<Row> weighted) {
    return SparkStats.exactSum(
        weighted.withColumn(
            Scratch.WT, col(Columns.WEIGHT).multiply(col(Columns.N_TOKENS).cast("double"))),
        Scratch.WT);
  }

  /** Searches r for the target; the result says whether it is within tolerance. */
  RatioSearch.Result solve(long targetTokens, double weightedTokens) {
    double r0 = targetTokens / weightedTokens;
    return RatioSearch.solve(this::realisedTokens, targetTokens, r0, TOLERANCE, MAX_EVALUATIONS);
  }

  /** Σ copies · tokens at ratio r. */
  long realisedTokens(double r) {
    long[] starts = partitionStarts(r);
    long u = offset;
    return ordered
        .mapPartitionsWithIndex(
            (Integer idx, Iterator<Row> it) -> {
              long prefix = starts[idx];
              long tokens = 0;
              while (it.hasNext()) {
                Row row = it.next();
                long q = Systematic.quantise(row.getDouble(1) * r);
                tokens += (long) Systematic.copies(prefix, q, u) * row.getLong(2);
                prefix += q;
              }
              return List.of(tokens).iterator();
            },
            true)
        .reduce(Long::sum);
  }

  /** (id, copies) of every document at ratio r, copies ≥ 0. */
  Dataset<Row> copies(org.apache.spark.sql.SparkSession spark, double r) {
    long[] starts = partitionStarts(r);
    long u = offset;
    JavaRDD<Row> rows =
        ordered.mapPartitionsWithIndex(
            (Integer idx, Iterator<Row> it) -> copiesOf(it, starts[idx], r, u), true);
    StructType schema =
        new StructType()
            .add(Columns.ID, DataTypes.StringType, false)
            .add(Scratch.COPIES, DataTypes.IntegerType, false);
    return spark.createDataFrame(rows, schema);
  }

  /** Streams (id, copies) of one partition, starting from its exclusive prefix. */
  private static Iterator<Row> copiesOf(Iterator<Row> it, long start, double r, long u) {
    long[] prefix = {start};
    return OrderedScan.map(
        it,
        row -> {
          long q = Systematic.quantise(row.getDouble(1) * r);
          int c = Systematic.copies(prefix[0], q, u);
          prefix[0] += q;
          return RowFactory.create(row.getString(0), c);
        });
  }

  /** Exclusive prefix of Σ q at the start of each partition. */
  private long[] partitionStarts(double r) {
    List<Tuple2<Integer, Long>> sums =
        ordered
            .mapPartitionsWithIndex(
                (Integer idx, Iterator<Row> it) -> {
                  long s = 0;
                  while (it.hasNext()) {
                    s = Math.addExact(s, Systematic.quantise(it.next().getDouble(1) * r));
                  }
                  List<Tuple2<Integer, Long>> out = new ArrayList<>();
                  out.add(new Tuple2<>(idx, s));
                  return out.iterator();
                },
                true)
            .collect();
    long[] per = new long[ordered.getNumPartitions()];
    for (Tuple2<Integer, Long> t : sums) {
      per[t._1()] = t._2();
    }
    long[] starts = new long[per.length];
    for (int i = 1; i < per.length; i++) {
      starts[i] = Math.addExact(starts[i - 1], per[i - 1]);
    }
    return starts;
  }

  @Override
  public void close() {
    ordered.unpersist(false);
  }
}
