package io.reweigh.dedup.neardup.spark;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.spark.SignalStage;
import io.reweigh.core.stage.StageStats;
import io.reweigh.dedup.neardup.NearDupParams;
import io.reweigh.dedup.neardup.NearDupSignal;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The neardup signal's stage (registered in META-INF/services). */
public final class NearDupSignalStage implements SignalStage<NearDupParams> {
  @Override
  public String signal() {
    return NearDupSignal.NAME;
  }

  @Override
  public NearDupParams plan(ResolvedConfig cfg) {
    return NearDupParams.fromConfig(cfg);
  }

  @Override
  public StageStats compute(
      SparkSession spark,
      Dataset<Row> docs,
      NearDupParams plan,
      String dataPath,
      Map<String, String> prerequisiteDirs) {
    return NearDupStage.run(spark, docs, plan, dataPath);
  }
}
