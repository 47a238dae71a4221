package io.reweigh.influence.coreset.spark;

import static io.reweigh.influence.coreset.CoresetSignal.CLUSTER;
import static io.reweigh.influence.coreset.CoresetSignal.IS_CORESET;
import static io.reweigh.influence.coreset.CoresetSignal.NN_DISTANCE;
import static io.reweigh.influence.coreset.CoresetSignal.NN_ID;
import static io.reweigh.influence.coreset.CoresetSignal.SI;
import static io.reweigh.influence.coreset.CoresetSignal.WEIGHT;
import static io.reweigh.influence.coreset.spark.CoresetEmbedding.FEATURES;
import static io.reweigh.influence.spark.ScratchColumns.RAW_W;
import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.influence.coreset.NearestMember;
import io.reweigh.influence.coreset.Propagation;
import io.reweigh.influence.coreset.Propagation.Member;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Step 5 of the coreset stage (docs/coreset.md): the coreset members broadcast grouped by cluster
 * (no all-pairs join), every document given a weight from its own cluster's members by {@link
 * #RULE}, then weight_coreset normalised to mean 1.
 */
final class PropagationJob {
  private PropagationJob() {}

  /** How a document takes its weight from its cluster's members (exact squared distances). */
  static final Propagation<Vector> RULE = new NearestMember<>(Vectors::sqdist);

  /** The columns every document gets from propagation (the table adds self_influence, weight). */
  static final StructType PROPAGATED =
      new StructType()
          .add(Columns.ID, DataTypes.StringType, false)
          .add(CLUSTER, DataTypes.IntegerType, false)
          .add(IS_CORESET, DataTypes.BooleanType, false)
          .add(NN_ID, DataTypes.StringType, false)
          .add(NN_DISTANCE, DataTypes.DoubleType, false);

  /**
   * The coreset table of every selected document: id, cluster, is_coreset, nn_id, nn_distance,
   * self_influence (members only), weight_coreset (mean 1).
   */
  static Dataset<Row> table(
      JavaSparkContext jsc, CoresetSelection selection, CoresetScoring scores) {
    Broadcast<Map<Integer, List<Member<Vector>>>> mb =
        jsc.broadcast(membersByCluster(selection, scores.weights()));
    Propagation<Vector> rule = RULE;
    Dataset<Row> propagated =
        selection
            .rows()
            .select(Columns.ID, CLUSTER, IS_CORESET, FEATURES)
            .mapPartitions(
                (MapPartitionsFunction<Row, Row>) rows -> propagate(rows, mb.value(), rule),
                Encoders.row(PROPAGATED.add(RAW_W, DataTypes.DoubleType, false)));
    Dataset<Row> withSi =
        propagated.join(scores.table().select(Columns.ID, SI), Columns.ID, "left");
    double mean = SparkStats.exactMean(withSi, RAW_W);
    return withSi
        .withColumn(WEIGHT, col(RAW_W).divide(mean))
        .select(Columns.ID, CLUSTER, IS_CORESET, NN_ID, NN_DISTANCE, SI, WEIGHT);
  }

  /** The members of each cluster with their weights, sorted by id. */
  private static Map<Integer, List<Member<Vector>>> membersByCluster(
      CoresetSelection selection, Map<String, Double> weights) {
    Map<Integer, List<Member<Vector>>> byCluster = new HashMap<>();
    for (Row r :
        selection
            .members()
            .select(Columns.ID, CLUSTER, FEATURES)
            .orderBy(Columns.ID)
            .collectAsList()) {
      byCluster
          .computeIfAbsent(r.getInt(1), c -> new ArrayList<>())
          .add(new Member<>(r.getString(0), r.getAs(2), weights.get(r.getString(0))));
    }
    return byCluster;
  }

  /**
   * (id, cluster, is_coreset, nn_id, nn_distance, RAW_W) of each (id, cluster, is_coreset,
   * features) row, by {@code rule} over the members of the row's cluster.
   */
  static Iterator<Row> propagate(
      Iterator<Row> rows, Map<Integer, List<Member<Vector>>> members, Propagation<Vector> rule) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row r = rows.next();
        String id = r.getString(0);
        int cluster = r.getInt(1);
        boolean member = r.getBoolean(2);
        Vector v = r.getAs(3);
        Propagation.Neighbour nn = rule.of(id, member, v, members.get(cluster));
        return RowFactory.create(id, cluster, member, nn.id(), nn.distance(), nn.weight());
      }
    };
  }
}
