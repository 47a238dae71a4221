package io.reweigh.core.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TaskResultsTest {
  static final SparkSession spark = SharedSpark.session();

  @Test
  void handsOverEveryValueInPartitionOrderAndReleasesThem() {
    JavaSparkContext jsc = new JavaSparkContext(spark.sparkContext());
    List<Integer> in = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      in.add(i);
    }
    // 4 partitions of unequal sizes, one of them empty after the filter
    JavaRDD<Integer> values = jsc.parallelize(in, 4).filter(i -> i < 6 || i > 11);
    List<Integer> got = new ArrayList<>();
    assertTrue(TaskResults.forEach(values, got::add));
    assertEquals(values.collect(), got);
    assertFalse(values.getStorageLevel().useMemory() || values.getStorageLevel().useDisk());

    List<Integer> some = new ArrayList<>();
    assertFalse(TaskResults.forEach(values, v -> some.add(v) && some.size() < 3));
    assertEquals(List.of(0, 1, 2), some);

    assertTrue(TaskResults.forEach(jsc.parallelize(List.<Integer>of(), 2), v -> false));
  }
}
