package io.reweigh.dedup.neardup;

import java.util.Arrays;

/**
 * Connected components of a graph given as edges between long node ids, in one JVM: union by size
 * with path halving over the nodes' dense indices. The label of a node is the smallest node id of
 * its component, the same labelling as the distributed large-star / small-star rounds
 * (dedup/…/neardup/spark/ConnectedComponents.java), which run it inside one Spark task when the
 * verified pairs are few enough (docs/neardup.md, "Clusters").
 */
public final class UnionFind {
  private final long[] nodes;
  private final int[] parent;
  private final int[] size;

  /** The components of the edges (us[i], vs[i]); nodes are those that appear in an edge. */
  public UnionFind(long[] us, long[] vs) {
    if (us.length != vs.length) {
      throw new IllegalArgumentException(us.length + " edge starts for " + vs.length + " ends");
    }
    long[] all = new long[us.length * 2];
    System.arraycopy(us, 0, all, 0, us.length);
    System.arraycopy(vs, 0, all, us.length, vs.length);
    Arrays.sort(all);
    int n = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        all[n++] = all[i];
      }
    }
    nodes = Arrays.copyOf(all, n);
    parent = new int[n];
    size = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
      size[i] = 1;
    }
    for (int i = 0; i < us.length; i++) {
      union(index(us[i]), index(vs[i]));
    }
  }

  private int index(long node) {
    return Arrays.binarySearch(nodes, node);
  }

  private int find(int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  private void union(int a, int b) {
    int ra = find(a);
    int rb = find(b);
    if (ra == rb) {
      return;
    }
    if (size[ra] < size[rb]) {
      int t = ra;
      ra = rb;
      rb = t;
    }
    parent[rb] = ra;
    size[ra] += size[rb];
  }

  /** The nodes that appear in an edge, ascending. */
  public long[] nodes() {
    return nodes.clone();
  }

  /** For each node of {@link #nodes()}, in the same order, the smallest node of its component. */
  public long[] labels() {
    // nodes are ascending, so the first node met of each root's component is its smallest
    long[] smallest = new long[nodes.length];
    boolean[] seen = new boolean[nodes.length];
    long[] out = new long[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      int r = find(i);
      if (!seen[r]) {
        seen[r] = true;
        smallest[r] = nodes[i];
      }
      out[i] = smallest[r];
    }
    return out;
  }
}
