package io.reweigh.sampler.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A global order with exact running sums: sorts by a total order (the last column of which must be
 * unique), then adds each row's 0-based rank and the sum of a long column over the rows before it.
 * Two passes over the sorted partitions (which Spark's range sort leaves in order): per-partition
 * counts and sums to the driver, then ranks and prefixes from the partition offsets. Integer sums
 * make the result independent of partitioning. (Same idea as SparkStats.withRank, with a sum.)
 *
 * <p>Up to {@link #ONE_TASK_ROWS} rows are sorted in one task instead: no sample job for the range
 * bounds and no pass for the per-partition sums, with the same ranks and prefixes.
 */
final class OrderedScan {
  private OrderedScan() {}

  /** Up to this many rows (a narrow table: ids, sizes, weights) are ordered in one task. */
  static final long ONE_TASK_ROWS = 1_000_000;

  /**
   * @param df rows to order; {@code sizeCol} is a non-null long column
   * @param rows how many rows df holds (chooses one task or a range sort)
   * @return df + {@code rankCol} (long) + {@code prefixCol} (long, exclusive running sum of
   *     sizeCol)
   */
  static Dataset<Row> rankAndPrefix(
      Dataset<Row> df,
      Column[] order,
      String sizeCol,
      String rankCol,
      String prefixCol,
      long rows) {
    Dataset<Row> sorted =
        rows <= ONE_TASK_ROWS ? df.repartition(1).sortWithinPartitions(order) : df.orderBy(order);
    StructType schema =
        sorted
            .schema()
            .add(rankCol, DataTypes.LongType, false)
            .add(prefixCol, DataTypes.LongType, false);
    int sizeIdx = sorted.schema().fieldIndex(sizeCol);
    JavaRDD<Row> rdd = sorted.javaRDD();
    int n = rdd.getNumPartitions();
    // one partition starts at rank 0 and sum 0: nothing to count first
    List<long[]> parts =
        n == 1
            ? List.of()
            : rdd.mapPartitionsWithIndex(
                    (Integer idx, Iterator<Row> it) -> {
                      long count = 0;
                      long sum = 0;
                      while (it.hasNext()) {
                        sum = Math.addExact(sum, it.next().getLong(sizeIdx));
                        count++;
                      }
                      List<long[]> out = new ArrayList<>();
                      out.add(new long[] {idx, count, sum});
                      return out.iterator();
                    },
                    true)
                .collect();
    long[] rankStart = new long[n];
    long[] sumStart = new long[n];
    long[] counts = new long[n];
    long[] sums = new long[n];
    for (long[] p : parts) {
      counts[(int) p[0]] = p[1];
      sums[(int) p[0]] = p[2];
    }
    for (int i = 1; i < n; i++) {
      rankStart[i] = rankStart[i - 1] + counts[i - 1];
      sumStart[i] = Math.addExact(sumStart[i - 1], sums[i - 1]);
    }
    Offsets off = new Offsets(rankStart, sumStart);
    JavaRDD<Row> ranked =
        rdd.mapPartitionsWithIndex(
            (Integer idx, Iterator<Row> it) -> {
              long[] state = {off.rank()[idx], off.sum()[idx]};
              return map(
                  it,
                  r -> {
                    Object[] v = new Object[r.length() + 2];
                    for (int i = 0; i < r.length(); i++) {
                      v[i] = r.get(i);
                    }
                    v[r.length()] = state[0]++;
                    v[r.length() + 1] = state[1];
                    state[1] = Math.addExact(state[1], r.getLong(sizeIdx));
                    return RowFactory.create(v);
                  });
            },
            true);
    return df.sparkSession().createDataFrame(ranked, schema);
  }

  private record Offsets(long[] rank, long[] sum) implements Serializable {}

  /**
   * A lazy map over a partition's rows (a partition can be larger than memory); {@code f} may keep
   * running state, since rows arrive in order.
   */
  static Iterator<Row> map(Iterator<Row> it, java.util.function.Function<Row, Row> f) {
    return new Iterator<Row>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Row next() {
        return f.apply(it.next());
      }
    };
  }
}
