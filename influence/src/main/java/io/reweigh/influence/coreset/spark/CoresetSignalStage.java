package io.reweigh.influence.coreset.spark;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.stage.StageStats;
import io.reweigh.influence.coreset.CoresetParams;
import io.reweigh.influence.coreset.CoresetSignal;
import io.reweigh.influence.spark.ProxyLmSignalStage;
import io.reweigh.influence.spark.ProxyModelStage;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark side of {@link CoresetSignal}: shares the proxy-model stage with the influence signal, then
 * runs {@link CoresetStage}.
 */
public final class CoresetSignalStage extends ProxyLmSignalStage<CoresetParams> {
  @Override
  public String signal() {
    return CoresetSignal.NAME;
  }

  @Override
  public CoresetParams plan(ResolvedConfig cfg) {
    return CoresetParams.fromConfig(cfg);
  }

  @Override
  protected StageStats run(
      SparkSession spark,
      Dataset<Row> docs,
      CoresetParams plan,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String dataPath) {
    return CoresetStage.run(spark, docs, plan, checkpoints, dataPath);
  }
}
