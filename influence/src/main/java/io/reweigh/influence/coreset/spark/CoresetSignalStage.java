package io.reweigh.influence.coreset.spark;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.spark.SignalStage;
import io.reweigh.core.stage.StageStats;
import io.reweigh.influence.coreset.CoresetParams;
import io.reweigh.influence.spark.ProxyModelPrerequisite;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark side of {@link io.reweigh.influence.coreset.CoresetSignal}: shares the proxy-model stage
 * with the influence signal, then runs {@link CoresetStage}.
 */
public final class CoresetSignalStage implements SignalStage<CoresetParams> {
  @Override
  public CoresetParams plan(ResolvedConfig cfg) {
    return CoresetParams.fromConfig(cfg);
  }

  @Override
  public List<Prerequisite<?>> prerequisites() {
    return List.of(ProxyModelPrerequisite.INSTANCE);
  }

  @Override
  public StageStats compute(
      SparkSession spark,
      Dataset<Row> docs,
      CoresetParams plan,
      String dataPath,
      Map<String, String> prerequisiteDirs) {
    return CoresetStage.run(
        spark, docs, plan, ProxyModelPrerequisite.checkpoints(spark, prerequisiteDirs), dataPath);
  }
}
