package io.reweigh.dedup.neardup.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.spark.SharedSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
  static final SparkSession spark = SharedSpark.session();
  static final StructType EDGES =
      new StructType().add("u", DataTypes.LongType, false).add("v", DataTypes.LongType, false);

  /** Union-find with the smallest node as each root. */
  static Map<Long, Long> reference(List<long[]> edges) {
    Map<Long, Long> parent = new HashMap<>();
    for (long[] e : edges) {
      parent.putIfAbsent(e[0], e[0]);
      parent.putIfAbsent(e[1], e[1]);
      long a = find(parent, e[0]);
      long b = find(parent, e[1]);
      if (a != b) {
        parent.put(Math.max(a, b), Math.min(a, b));
      }
    }
    Map<Long, Long> label = new HashMap<>();
    for (Long n : parent.keySet()) {
      label.put(n, find(parent, n));
    }
    return label;
  }

  static long find(Map<Long, Long> parent, long x) {
    while (parent.get(x) != x) {
      x = parent.get(x);
    }
    return x;
  }

  /** The labels of the distributed rounds, checked equal to those of the single-task path. */
  static Map<Long, Long> run(List<long[]> edges) {
    Map<Long, Long> distributed = run(edges, 0);
    assertEquals(distributed, run(edges, Long.MAX_VALUE), "single task = distributed rounds");
    return distributed;
  }

  static Map<Long, Long> run(List<long[]> edges, long singleTaskEdges) {
    List<Row> rows = new ArrayList<>();
    for (long[] e : edges) {
      rows.add(RowFactory.create(e[0], e[1]));
    }
    Dataset<Row> df = spark.createDataFrame(rows, EDGES).repartition(3);
    ConnectedComponents.Result r = ConnectedComponents.of(df, 64, singleTaskEdges);
    assertEquals(singleTaskEdges > 0, r.singleTask());
    assertEquals(r.singleTask(), r.rounds() == 0);
    Map<Long, Long> got = new HashMap<>();
    for (Row row : r.labels().collectAsList()) {
      Long before = got.put(row.getLong(0), row.getLong(1));
      assertEquals(null, before, "one label per node");
    }
    return got;
  }

  @Test
  void randomGraphsMatchUnionFind() {
    SplittableRandom r = new SplittableRandom(9);
    for (int g = 0; g < 4; g++) {
      int nodes = 50 + r.nextInt(300);
      int m = nodes * (g + 1) / 3;
      List<long[]> edges = new ArrayList<>();
      for (int i = 0; i < m; i++) {
        edges.add(new long[] {r.nextInt(nodes) * 7L + 1000, r.nextInt(nodes) * 7L + 1000});
      }
      Map<Long, Long> want = reference(edges);
      // self-loops only: nodes without a real edge are not in the result
      want.entrySet()
          .removeIf(
              en ->
                  edges.stream()
                      .noneMatch(
                          e -> e[0] != e[1] && (e[0] == en.getKey() || e[1] == en.getKey())));
      assertEquals(want, run(edges), "graph " + g);
    }
  }

  @Test
  void aLongPathAndABigStarConverge() {
    List<long[]> edges = new ArrayList<>();
    // a path 1000-999-...-1 listed in an unhelpful order, and a star of 2,000 leaves
    for (long i = 1000; i > 1; i--) {
      edges.add(new long[] {i, i - 1});
    }
    for (long i = 0; i < 2000; i++) {
      edges.add(new long[] {50_000 + i, 49_999});
    }
    Map<Long, Long> got = run(edges);
    assertEquals(reference(edges), got);
    assertEquals(1L, got.get(1000L));
    assertEquals(49_999L, got.get(51_999L));
    assertTrue(got.values().stream().distinct().count() == 2);
  }
}
