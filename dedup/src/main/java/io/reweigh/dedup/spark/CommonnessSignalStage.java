package io.reweigh.dedup.spark;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.spark.SignalStage;
import io.reweigh.core.stage.StageStats;
import io.reweigh.dedup.CommonnessParams;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Spark side of {@link io.reweigh.dedup.CommonnessSignal}: plan, then {@link CommonnessStage}. */
public final class CommonnessSignalStage implements SignalStage<CommonnessParams> {
  @Override
  public String signal() {
    return io.reweigh.dedup.CommonnessSignal.NAME;
  }

  @Override
  public CommonnessParams plan(ResolvedConfig cfg) {
    return CommonnessParams.fromConfig(cfg);
  }

  @Override
  public StageStats compute(
      SparkSession spark,
      Dataset<Row> docs,
      CommonnessParams plan,
      String dataPath,
      Map<String, String> prerequisiteDirs) {
    return CommonnessStage.run(spark, docs, plan, dataPath);
  }
}
