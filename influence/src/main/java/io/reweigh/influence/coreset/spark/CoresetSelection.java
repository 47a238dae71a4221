package io.reweigh.influence.coreset.spark;

import static io.reweigh.influence.coreset.CoresetSignal.CLUSTER;
import static io.reweigh.influence.coreset.CoresetSignal.IS_CORESET;
import static io.reweigh.influence.spark.ScratchColumns.DIST;
import static io.reweigh.influence.spark.ScratchColumns.RANK;
import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.influence.coreset.CoresetParams;
import io.reweigh.influence.coreset.CoresetPlan;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Step 3 of the coreset stage (docs/coreset.md): the moderate band of each cluster ({@link
 * CoresetPlan}), ranked by distance to the centroid, then id.
 *
 * @param rows the assigned documents with is_coreset, persisted (the caller unpersists them)
 * @param sizes documents per cluster
 */
record CoresetSelection(Dataset<Row> rows, long[] sizes) {

  /** Marks the m coreset members among {@code assigned} (id, features, cluster, DIST). */
  static CoresetSelection select(
      JavaSparkContext jsc, Dataset<Row> assigned, int clusters, long m, CoresetParams p) {
    long[] sizes = new long[clusters];
    for (Row r : assigned.groupBy(CLUSTER).count().collectAsList()) {
      sizes[r.getInt(0)] = r.getLong(1);
    }
    long[] quotas = CoresetPlan.quotas(sizes, m);
    Broadcast<long[]> sb = jsc.broadcast(sizes);
    Broadcast<long[]> qb = jsc.broadcast(quotas);
    double lo = p.bandLow();
    double hi = p.bandHigh();
    Dataset<Row> selected =
        assigned
            .withColumn(
                RANK,
                functions
                    .row_number()
                    .over(Window.partitionBy(CLUSTER).orderBy(col(DIST), col(Columns.ID)))
                    .minus(1))
            .withColumn(
                IS_CORESET,
                functions
                    .udf(
                        (org.apache.spark.sql.api.java.UDF2<Integer, Integer, Boolean>)
                            (c, rank) ->
                                CoresetPlan.selected(rank, sb.value()[c], qb.value()[c], lo, hi),
                        DataTypes.BooleanType)
                    .apply(col(CLUSTER), col(RANK)))
            .drop(RANK)
            .persist(StorageLevel.MEMORY_AND_DISK());
    return new CoresetSelection(selected, sizes);
  }

  /** The coreset members. */
  Dataset<Row> members() {
    return rows.filter(col(IS_CORESET));
  }

  /** Clusters with at least one document. */
  int clustersUsed() {
    int used = 0;
    for (long s : sizes) {
      used += s > 0 ? 1 : 0;
    }
    return used;
  }
}
