package io.reweigh.influence.coreset.spark;

import static io.reweigh.influence.coreset.CoresetSignal.SI;
import static io.reweigh.influence.spark.ScratchColumns.RAW_W;
import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.InfluenceSignal;
import io.reweigh.influence.coreset.CoresetParams;
import io.reweigh.influence.spark.PresenceWeights;
import io.reweigh.influence.spark.ProxyModelStage;
import io.reweigh.influence.spark.SelfInfluenceScoring;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Step 4 of the coreset stage (docs/coreset.md): self-influence of the coreset only ({@link
 * SelfInfluenceScoring}), turned into PRESENCE weights over the coreset ({@link PresenceWeights})
 * of the phase influence.phase picks.
 *
 * @param table id, self_influence, RAW_W (the phase's weight) of every member
 * @param weights RAW_W by member id, collected on the driver
 */
record CoresetScoring(Dataset<Row> table, Map<String, Double> weights) {

  /**
   * Scores the coreset of {@code selection} ({@code size} members); facts go into {@code stats}.
   */
  static CoresetScoring score(
      SparkSession spark,
      Dataset<Row> base,
      CoresetSelection selection,
      long size,
      CoresetParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String rawPath,
      Map<String, Object> stats) {
    Dataset<Row> coresetDocs =
        base.join(selection.members().select(Columns.ID), Columns.ID, "left_semi");
    InfluenceParams ip = p.influence();
    String phaseCol = p.phase() == 1 ? InfluenceSignal.W1 : InfluenceSignal.W2;
    Dataset<Row> scored =
        SelfInfluenceScoring.score(spark, coresetDocs, ip, checkpoints, rawPath, stats);
    Dataset<Row> table =
        PresenceWeights.weights(scored, ip, size, stats)
            .select(col(Columns.ID), col(InfluenceSignal.SI).as(SI), col(phaseCol).as(RAW_W));
    Map<String, Double> weights = new HashMap<>();
    for (Row r : table.collectAsList()) {
      weights.put(r.getString(0), r.getDouble(2));
    }
    return new CoresetScoring(table, weights);
  }
}
