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

  @Test
  void meanOfGroupsHasTheBitsOfTheAggregateOverTheRows() {
    SplittableRandom r = new SplittableRandom(5);
    double[] values = new double[12];
    long[] counts = new long[12];
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < values.length; g++) {
      // awkward decimals: thirds, tiny and large magnitudes
      values[g] = (1 + r.nextInt(1000)) / 3.0 * Math.pow(10, r.nextInt(9) - 4);
      counts[g] = 1 + r.nextInt(300);
      for (long c = 0; c < counts[g]; c++) {
        rows.add(RowFactory.create("g" + g + "-" + c, values[g]));
      }
    }
    StructType schema =
        new StructType().add("id", DataTypes.StringType).add("v", DataTypes.DoubleType);
    double expected = SparkStats.exactMean(spark.createDataFrame(rows, schema).repartition(4), "v");
    assertEquals(
        Double.doubleToLongBits(expected),
        Double.doubleToLongBits(SparkStats.exactMeanOfGroups(values, counts)));
    assertEquals(Double.NaN, SparkStats.exactMeanOfGroups(new double[0], new long[0]));
  }

  @Test
  void summariesOfSeveralColumnsInOnePassEqualOneColumnEach() {
    Dataset<Row> d = data(3).withColumn("w", org.apache.spark.sql.functions.col("v").multiply(2));
    var both = SparkStats.summaries(d, "v", "w");
    assertEquals(SparkStats.summary(d, "v"), both.get("v"));
    assertEquals(SparkStats.summary(d, "w"), both.get("w"));
  }
}
