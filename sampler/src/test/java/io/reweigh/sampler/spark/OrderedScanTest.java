package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.reweigh.core.spark.SharedSpark;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class OrderedScanTest {
  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("key", DataTypes.LongType, false)
          .add("size", DataTypes.LongType, false);

  /** Rows with many ties on key (the id breaks them) and sizes up to 10^12. */
  static List<Row> rows(int n, long seed) {
    Random r = new Random(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          RowFactory.create(
              "doc-" + Integer.toString(r.nextInt(1 << 30), 36) + "-" + i,
              (long) r.nextInt(50) - 25,
              r.nextInt(10) == 0 ? (long) r.nextInt(1_000_000) * 1_000_000L : r.nextInt(5000)));
    }
    return out;
  }

  /** id → {rank, exclusive prefix of size}, computed by a plain sort on the driver. */
  static Map<String, long[]> expected(List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(
        Comparator.comparingLong((Row r) -> r.getLong(1)).thenComparing(r -> r.getString(0)));
    Map<String, long[]> out = new HashMap<>();
    long sum = 0;
    for (int i = 0; i < sorted.size(); i++) {
      out.put(sorted.get(i).getString(0), new long[] {i, sum});
      sum += sorted.get(i).getLong(2);
    }
    return out;
  }

  static Map<String, long[]> ranked(List<Row> rows, int partitions, long rowsHint) {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    Dataset<Row> out =
        OrderedScan.rankAndPrefix(
            df, new Column[] {col("key"), col("id")}, "size", "rank", "before", rowsHint);
    Map<String, long[]> got = new HashMap<>();
    for (Row r : out.select("id", "rank", "before").collectAsList()) {
      got.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
    }
    return got;
  }

  static void assertSame(Map<String, long[]> want, Map<String, long[]> got, String what) {
    assertEquals(want.size(), got.size(), what);
    want.forEach(
        (id, v) -> {
          assertEquals(v[0], got.get(id)[0], what + ": rank of " + id);
          assertEquals(v[1], got.get(id)[1], what + ": prefix of " + id);
        });
  }

  @Test
  void oneTaskAndTheRangeSortGiveTheSameRanksAndPrefixesAsAPlainSort() {
    List<Row> rows = rows(5000, 7);
    Map<String, long[]> want = expected(rows);
    // a row count at or below the threshold takes one task; above it, the range sort
    assertSame(want, ranked(rows, 5, rows.size()), "one task");
    assertSame(want, ranked(rows, 5, OrderedScan.ONE_TASK_ROWS + 1), "range sort, 5 partitions");
    assertSame(want, ranked(rows, 1, OrderedScan.ONE_TASK_ROWS + 1), "range sort, 1 partition");
  }

  @Test
  void emptyInputGivesNoRowsEitherWay() {
    assertEquals(0, ranked(List.of(), 3, 0).size());
    assertEquals(0, ranked(List.of(), 3, OrderedScan.ONE_TASK_ROWS + 1).size());
  }
}
