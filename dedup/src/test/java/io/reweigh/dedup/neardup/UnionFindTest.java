package io.reweigh.dedup.neardup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class UnionFindTest {
  @Test
  void twoComponentsAreLabelledByTheirSmallestNode() {
    UnionFind uf = new UnionFind(new long[] {9, 4, 20, 7}, new long[] {4, 7, 30, 7});
    assertArrayEquals(new long[] {4, 7, 9, 20, 30}, uf.nodes());
    assertArrayEquals(new long[] {4, 4, 4, 20, 20}, uf.labels());
  }

  @Test
  void randomGraphsMatchALabelPropagationReference() {
    SplittableRandom r = new SplittableRandom(3);
    for (int g = 0; g < 20; g++) {
      int nodes = 2 + r.nextInt(200);
      int m = r.nextInt(nodes * 2);
      long[] us = new long[m];
      long[] vs = new long[m];
      for (int i = 0; i < m; i++) {
        us[i] = -50 + r.nextInt(nodes) * 3L;
        vs[i] = -50 + r.nextInt(nodes) * 3L;
      }
      // reference: propagate the minimum label along edges until nothing changes
      Map<Long, Long> label = new TreeMap<>();
      for (int i = 0; i < m; i++) {
        label.put(us[i], us[i]);
        label.put(vs[i], vs[i]);
      }
      boolean changed = true;
      while (changed) {
        changed = false;
        for (int i = 0; i < m; i++) {
          long low = Math.min(label.get(us[i]), label.get(vs[i]));
          changed |= label.put(us[i], low) != low | label.put(vs[i], low) != low;
        }
      }
      UnionFind uf = new UnionFind(us, vs);
      Map<Long, Long> got = new HashMap<>();
      long[] n = uf.nodes();
      long[] l = uf.labels();
      for (int i = 0; i < n.length; i++) {
        got.put(n[i], l[i]);
      }
      assertEquals(label, new TreeMap<>(got), "graph " + g);
    }
  }

  @Test
  void unequalEdgeArraysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new UnionFind(new long[1], new long[2]));
  }
}
