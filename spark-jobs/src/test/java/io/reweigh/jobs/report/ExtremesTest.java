package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.reweigh.core.spark.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The report's one-pass extremes agree with Spark's own sort, limit and count. */
class ExtremesTest {
  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("weight", DataTypes.DoubleType, false);

  /**
   * Ids whose UTF-16 order differs from their code point order (a character above U+FFFF against
   * one in U+E000–U+FFFF), many tied weights at both ends.
   */
  static Dataset<Row> shards(int n, long seed, int partitions) {
    Random r = new Random(seed);
    String[] prefixes = {"a", "b", "\uFF21", "\uD83D\uDE00", "é"};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(10);
      double w = kind == 0 ? 0.25 : kind == 1 ? 4.0 : 0.5 + r.nextInt(1000) / 400.0;
      rows.add(RowFactory.create(prefixes[r.nextInt(prefixes.length)] + r.nextInt(n), w));
    }
    return SharedSpark.session().createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  static List<String> sparkTop(Dataset<Row> d, Column weightOrder) {
    return d.orderBy(weightOrder, col("id").asc()).limit(Extremes.TOP_DOCS).collectAsList().stream()
        .map(x -> x.getString(0))
        .toList();
  }

  @Test
  void lowestHighestAndTiesMatchSparksSortLimitAndCount() {
    for (int partitions : new int[] {1, 4}) {
      Dataset<Row> d = shards(3000, 11 + partitions, partitions);
      Extremes ex = Extremes.of(d);
      assertEquals(sparkTop(d, col("weight").asc()), ex.lowIds(), "lowest, " + partitions);
      assertEquals(sparkTop(d, col("weight").desc()), ex.highIds(), "highest, " + partitions);
      Row t =
          d.agg(
                  functions.count(functions.when(col("weight").equalTo(0.25), 1)),
                  functions.count(functions.when(col("weight").equalTo(4.0), 1)))
              .first();
      assertEquals(t.getLong(0), ex.atMin(), "documents at the lowest weight");
      assertEquals(t.getLong(1), ex.atMax(), "documents at the highest weight");
    }
  }

  @Test
  void fewerDocumentsThanTheListsAndNone() {
    Dataset<Row> d = shards(7, 3, 3);
    Extremes ex = Extremes.of(d);
    assertEquals(sparkTop(d, col("weight").asc()), ex.lowIds());
    assertEquals(sparkTop(d, col("weight").desc()), ex.highIds());
    Extremes none = Extremes.of(d.limit(0));
    assertEquals(List.of(), none.lowIds());
    assertEquals(0, none.atMin());
  }
}
