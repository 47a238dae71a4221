package io.reweigh.dedup.neardup.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import io.reweigh.dedup.neardup.UnionFind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Connected components of an undirected graph with long node ids, entirely in Spark: the large-star
 * / small-star algorithm of Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC
 * 2014). Each round is two grouped aggregations and two joins; no node's neighbours are ever
 * collected in one place and the driver holds nothing but counts, so a component of millions of
 * nodes is no one task's problem. The rounds needed grow with log(nodes).
 *
 * <p>Large-star: every node u links each larger neighbour to m(u), the smallest of u and its
 * neighbours. Small-star: every node u links itself and its smaller neighbours to the smallest of
 * them. When a round changes no edge, every component is a star around its smallest node.
 *
 * <p>A graph of at most {@code singleTaskEdges} edges (16 bytes each) is instead labelled by {@link
 * UnionFind} inside one Spark task: each distributed round costs a few Spark jobs whatever the
 * graph's size, and for the thousands to millions of verified pairs of a typical corpus one task
 * finishes before the first round has been scheduled. Both give the same labels.
 */
public final class ConnectedComponents {
  private ConnectedComponents() {}

  /** Columns of the edge and label tables. */
  public static final String U = "u";

  public static final String V = "v";
  public static final String NODE = "node";
  public static final String LABEL = "label";

  /**
   * The result: (node, label) for every node with an edge, label = its component's smallest node.
   */
  public record Result(Dataset<Row> labels, int rounds, boolean singleTask) {}

  static final StructType LABELS =
      new StructType().add(NODE, DataTypes.LongType, false).add(LABEL, DataTypes.LongType, false);

  /**
   * Components of the graph of {@code edges} (columns u, v; self-loops and duplicates allowed).
   * Nodes without an edge are not in the result. Throws when {@code maxRounds} are not enough (they
   * are: ~2 log2(nodes) suffice in practice).
   */
  public static Result of(Dataset<Row> edges, int maxRounds, long singleTaskEdges) {
    Dataset<Row> e = canonical(edges.select(col(U), col(V))).localCheckpoint(true);
    if (e.count() <= singleTaskEdges) {
      return new Result(inOneTask(e), 0, true);
    }
    for (int round = 1; round <= maxRounds; round++) {
      Dataset<Row> next = smallStar(largeStar(e)).localCheckpoint(true);
      boolean same = next.count() == e.count() && next.exceptAll(e).isEmpty();
      e.unpersist();
      e = next;
      if (same) {
        // a star around each component's smallest node: (leaf, root) edges, root = u
        Dataset<Row> labels =
            e.select(col(V).as(NODE), col(U).as(LABEL))
                .union(e.select(col(U).as(NODE), col(U).as(LABEL)))
                .distinct();
        return new Result(labels, round, false);
      }
    }
    throw new IllegalStateException(
        "connected components did not converge in " + maxRounds + " rounds");
  }

  /** (node, label) by union-find over all edges, in one task. */
  static Dataset<Row> inOneTask(Dataset<Row> e) {
    MapPartitionsFunction<Row, Row> f =
        rows -> {
          long[] us = new long[1024];
          long[] vs = new long[1024];
          int m = 0;
          while (rows.hasNext()) {
            Row r = rows.next();
            if (m == us.length) {
              us = Arrays.copyOf(us, m * 2);
              vs = Arrays.copyOf(vs, m * 2);
            }
            us[m] = r.getLong(0);
            vs[m++] = r.getLong(1);
          }
          UnionFind uf = new UnionFind(Arrays.copyOf(us, m), Arrays.copyOf(vs, m));
          long[] nodes = uf.nodes();
          long[] labels = uf.labels();
          List<Row> out = new ArrayList<>(nodes.length);
          for (int i = 0; i < nodes.length; i++) {
            out.add(RowFactory.create(nodes[i], labels[i]));
          }
          return out.iterator();
        };
    return e.coalesce(1).mapPartitions(f, Encoders.row(LABELS));
  }

  /** (min, max) of each edge without self-loops, once. */
  static Dataset<Row> canonical(Dataset<Row> e) {
    return e.where(col(U).notEqual(col(V)))
        .select(least(col(U), col(V)).as(U), greatest(col(U), col(V)).as(V))
        .distinct();
  }

  /** Each node's larger neighbours linked to the smallest of the node and its neighbours. */
  static Dataset<Row> largeStar(Dataset<Row> e) {
    Dataset<Row> both = e.union(e.select(col(V).as(U), col(U).as(V)));
    Dataset<Row> m =
        both.groupBy(col(U)).agg(min(col(V)).as("mv")).select(col(U).as("mu"), col("mv"));
    return canonical(
        both.join(m, both.col(U).equalTo(m.col("mu")))
            .where(col(V).gt(col(U)))
            .select(col(V).as(U), least(col("mu"), col("mv")).as(V)));
  }

  /** Each node and its smaller neighbours linked to the smallest of them. */
  static Dataset<Row> smallStar(Dataset<Row> e) {
    // canonical edges are (smaller u, larger v): group by the larger end
    Dataset<Row> m = e.groupBy(col(V)).agg(min(col(U)).as("m")).select(col(V).as("hi"), col("m"));
    Dataset<Row> leaves =
        e.join(m, e.col(V).equalTo(m.col("hi"))).select(col(U).as(U), col("m").as(V));
    Dataset<Row> centre = m.select(col("hi").as(U), col("m").as(V));
    return canonical(leaves.union(centre));
  }
}
