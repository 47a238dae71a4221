package io.reweigh.influence.spark;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.stage.StageStats;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.InfluenceSignal;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Spark side of {@link InfluenceSignal}: scores every document ({@link InfluenceStage}). */
public final class InfluenceSignalStage extends ProxyLmSignalStage<InfluenceParams> {
  @Override
  public String signal() {
    return InfluenceSignal.NAME;
  }

  @Override
  public InfluenceParams plan(ResolvedConfig cfg) {
    return InfluenceParams.fromConfig(cfg);
  }

  @Override
  protected StageStats run(
      SparkSession spark,
      Dataset<Row> docs,
      InfluenceParams plan,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String dataPath) {
    return InfluenceStage.run(spark, docs, plan, checkpoints, dataPath);
  }
}
