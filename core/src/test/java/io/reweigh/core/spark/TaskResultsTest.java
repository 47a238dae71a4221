package io.reweigh.core.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TaskResultsTest {
  static final SparkSession spark = SharedSpark.session();
  static final JavaSparkContext jsc = new JavaSparkContext(spark.sparkContext());

  /** 4 partitions of unequal sizes, one of them empty after the filter. */
  static JavaRDD<Integer> values() {
    List<Integer> in = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      in.add(i);
    }
    return jsc.parallelize(in, 4).filter(i -> i < 6 || i > 11);
  }

  interface Way {
    boolean run(JavaRDD<Integer> values, Predicate<Integer> sink);
  }

  @Test
  void fetchingHandsOverEveryValueInPartitionOrderAndReleasesThem() {
    JavaRDD<Integer> values = values();
    List<Integer> got = new ArrayList<>();
    assertTrue(TaskResults.fetchInPartitionOrder(values, got::add));
    assertEquals(values.collect(), got);
    assertFalse(values.getStorageLevel().useMemory() || values.getStorageLevel().useDisk());
    everyWay(TaskResults::fetchInPartitionOrder);

    List<Integer> some = new ArrayList<>();
    assertFalse(TaskResults.fetchInPartitionOrder(values, v -> some.add(v) && some.size() < 3));
    assertEquals(List.of(0, 1, 2), some);
  }

  @Test
  void localModeHandsOverEveryValueOnceInMemory() {
    // the shared session is local[2]: forEach takes the in-memory hand-over
    assertTrue(TaskResults.inProcess(spark.sparkContext().master()));
    everyWay(TaskResults::forEach);
    everyWay(TaskResults::handOver);
    // a slow sink: tasks wait for the one-slot queue, nothing is lost or repeated
    List<Integer> got = new ArrayList<>();
    assertTrue(
        TaskResults.handOver(
            values(),
            v -> {
              try {
                Thread.sleep(20);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return got.add(v);
            }));
    assertEquals(sorted(values().collect()), sorted(got));
  }

  @Test
  void aFailingTaskFailsTheCall() {
    JavaRDD<Integer> failing =
        values()
            .map(
                i -> {
                  if (i == 17) {
                    throw new IllegalArgumentException("bad value 17");
                  }
                  return i;
                });
    for (Way w : List.<Way>of(TaskResults::handOver, TaskResults::fetchInPartitionOrder)) {
      Exception e = assertThrows(Exception.class, () -> w.run(failing, v -> true));
      assertTrue(String.valueOf(e.getMessage()).contains("bad value 17"), e.toString());
    }
    // the session is still usable afterwards
    assertEquals(values().count(), TaskResults.handOver(values(), v -> true) ? 17 : -1);
  }

  @Test
  void onlyLocalModeWithoutRetriesHandsOverInMemory() {
    assertTrue(TaskResults.inProcess("local"));
    assertTrue(TaskResults.inProcess("local[4]"));
    assertTrue(TaskResults.inProcess("local[*]"));
    assertFalse(TaskResults.inProcess("local[4,3]"));
    assertFalse(TaskResults.inProcess("local-cluster[2,1,1024]"));
    assertFalse(TaskResults.inProcess("spark://127.0.0.1:7077"));
    assertFalse(TaskResults.inProcess("yarn"));
  }

  /** Every value once (any order), early stop after 3, an empty input. */
  private static void everyWay(Way way) {
    List<Integer> got = new ArrayList<>();
    assertTrue(way.run(values(), got::add));
    assertEquals(sorted(values().collect()), sorted(got));

    List<Integer> some = new ArrayList<>();
    assertFalse(way.run(values(), v -> some.add(v) && some.size() < 3));
    assertEquals(3, some.size());
    assertTrue(values().collect().containsAll(some));

    assertTrue(way.run(jsc.parallelize(List.<Integer>of(), 2), v -> false));
  }

  private static List<Integer> sorted(List<Integer> l) {
    List<Integer> s = new ArrayList<>(l);
    s.sort(null);
    return s;
  }
}
