package io.reweigh.core.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SparkStatsTest {
  private final SparkSession spark = SharedSpark.session();

  private Dataset<Row> data(int partitions) {
    SplittableRandom r = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      rows.add(RowFactory.create("id-" + i, r.nextDouble() * 1e3 / (1 + r.nextInt(1000))));
    }
    rows.add(RowFactory.create("tie-a", 0.5));
    rows.add(RowFactory.create("tie-b", 0.5));
    StructType schema =
        new StructType().add("id", DataTypes.StringType).add("v", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema).repartition(partitions);
  }

  @Test
  void sumsAndRanksDoNotDependOnPartitioning() {
    double s1 = SparkStats.exactSum(data(1), "v");
    double s7 = SparkStats.exactSum(data(7), "v");
    assertEquals(Double.doubleToLongBits(s1), Double.doubleToLongBits(s7));
    assertEquals(s1 / 2002, SparkStats.exactMean(data(3), "v"), 1e-12);

    Dataset<Row> r1 = SparkStats.withRank(data(1), "v", "id", "rank");
    Dataset<Row> r5 = SparkStats.withRank(data(5), "v", "id", "rank");
    long[] ranks = {0, 1000, 2001};
    assertArrayEquals(
        SparkStats.valuesAtRanks(r1, "v", "rank", ranks),
        SparkStats.valuesAtRanks(r5, "v", "rank", ranks));
    assertEquals(
        r1.orderBy("rank").select("id").collectAsList(),
        r5.orderBy("rank").select("id").collectAsList());
    // ties are broken by id
    long ra = r5.filter("id = 'tie-a'").first().getLong(2);
    long rb = r5.filter("id = 'tie-b'").first().getLong(2);
    assertEquals(ra + 1, rb);
  }

  @Test
  void valueAtRankIsExactWithoutASortWhateverThePartitioning() {
    Dataset<Row> r1 = SparkStats.withRank(data(1), "v", "id", "rank");
    for (long rank : new long[] {0, 1, 1000, 1001, 1500, 2001}) {
      double expected = SparkStats.valuesAtRanks(r1, "v", "rank", rank)[0];
      assertEquals(
          expected, SparkStats.valueAtRank(data(1), "v", "id", rank, 2002), "rank " + rank);
      assertEquals(
          expected, SparkStats.valueAtRank(data(6), "v", "id", rank, 2002), "rank " + rank);
    }
  }
}
