package io.reweigh.influence.spark;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.spark.SignalStage;
import io.reweigh.core.stage.StageStats;
import io.reweigh.influence.InfluenceParams;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark side of {@link io.reweigh.influence.InfluenceSignal}: scores every document with the
 * committed proxy LM ({@link InfluenceStage}).
 */
public final class InfluenceSignalStage implements SignalStage<InfluenceParams> {
  @Override
  public InfluenceParams plan(ResolvedConfig cfg) {
    return InfluenceParams.fromConfig(cfg);
  }

  @Override
  public List<Prerequisite<?>> prerequisites() {
    return List.of(ProxyModelPrerequisite.INSTANCE);
  }

  @Override
  public StageStats compute(
      SparkSession spark,
      Dataset<Row> docs,
      InfluenceParams plan,
      String dataPath,
      Map<String, String> prerequisiteDirs) {
    return InfluenceStage.run(
        spark, docs, plan, ProxyModelPrerequisite.checkpoints(spark, prerequisiteDirs), dataPath);
  }
}
