package io.reweigh.influence.coreset.spark;

import static io.reweigh.influence.coreset.CoresetSignal.CLUSTER;
import static io.reweigh.influence.coreset.spark.CoresetEmbedding.FEATURES;
import static io.reweigh.influence.spark.ScratchColumns.ASSIGNED;
import static io.reweigh.influence.spark.ScratchColumns.DIST;
import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.influence.coreset.Centroids;
import io.reweigh.influence.coreset.CoresetParams;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Step 2 of the coreset stage (docs/coreset.md): k-means (Spark MLlib, k-means||, seeded) on the
 * data-fixed partitioning of {@link CoresetEmbedding}, then one exact Lloyd step with fixed-point
 * sums ({@link Centroids}), so the centroids do not depend on executors; and every document's
 * nearest centroid.
 */
final class Clustering {
  private Clustering() {}

  /** The centroids of k-means on {@code emb}, finished by one exact Lloyd step. */
  static double[][] centers(JavaSparkContext jsc, Dataset<Row> emb, CoresetParams p, int k) {
    Vector[] rough =
        new KMeans()
            .setK(k)
            .setSeed(p.seed())
            .setMaxIter(p.iterations())
            .setInitMode("k-means||")
            .setFeaturesCol(FEATURES)
            .fit(emb)
            .clusterCenters();
    return exactCentroids(jsc, emb, rough);
  }

  /**
   * One Lloyd step from MLlib's centers with sums in fixed point (exact, so independent of the
   * order in which partitions are merged); centers that get no point are dropped.
   */
  static double[][] exactCentroids(JavaSparkContext jsc, Dataset<Row> emb, Vector[] rough) {
    double[][] start = new double[rough.length][];
    for (int i = 0; i < rough.length; i++) {
      start[i] = rough[i].toArray();
    }
    Broadcast<double[][]> sb = jsc.broadcast(Centroids.rounded(start));
    List<Tuple2<Integer, long[]>> sums =
        emb.select(FEATURES)
            .javaRDD()
            .mapToPair(
                r -> {
                  Vector v = r.getAs(0);
                  int c = Centroids.nearest(sb.value(), entries(v)).cluster();
                  return new Tuple2<>(c, Centroids.fixedPoint(v.size(), entries(v)));
                })
            .reduceByKey(Centroids::add)
            .collect();
    List<Tuple2<Integer, long[]>> sorted = new ArrayList<>(sums);
    sorted.sort(java.util.Comparator.comparingInt(Tuple2::_1));
    List<long[]> ordered = new ArrayList<>(sorted.size());
    for (Tuple2<Integer, long[]> t : sorted) {
      ordered.add(t._2());
    }
    return Centroids.fromSums(ordered);
  }

  /** {@code emb} (id, features) with each document's cluster and squared distance (DIST). */
  static Dataset<Row> assign(JavaSparkContext jsc, Dataset<Row> emb, double[][] centers) {
    Broadcast<double[][]> cb = jsc.broadcast(centers);
    return emb.withColumn(
            ASSIGNED,
            functions
                .udf(
                    (org.apache.spark.sql.api.java.UDF1<Vector, Row>)
                        v -> nearestCenter(cb.value(), v),
                    new StructType()
                        .add(CLUSTER, DataTypes.IntegerType, false)
                        .add(DIST, DataTypes.DoubleType, false))
                .apply(col(FEATURES)))
        .select(col(Columns.ID), col(FEATURES), col(ASSIGNED + ".*"));
  }

  /** (cluster, squared distance rounded to float) of the nearest center; ties → lower index. */
  static Row nearestCenter(double[][] centers, Vector v) {
    Centroids.Nearest n = Centroids.nearest(centers, entries(v));
    return RowFactory.create(n.cluster(), n.distance());
  }

  /** The stored entries of a sparse or dense vector, in index order. */
  static Centroids.Entries entries(Vector v) {
    if (v instanceof SparseVector sv) {
      int[] idx = sv.indices();
      double[] val = sv.values();
      return f -> {
        for (int i = 0; i < idx.length; i++) {
          f.accept(idx[i], val[i]);
        }
      };
    }
    double[] val = v.toArray();
    return f -> {
      for (int i = 0; i < val.length; i++) {
        f.accept(i, val[i]);
      }
    };
  }
}
