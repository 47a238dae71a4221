package io.reweigh.jobs;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.dedup.CommonnessParams;
import io.reweigh.dedup.spark.CommonnessStage;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The SoftDedup commonness stage as a pipeline stage. */
final class CommonnessSignal implements SignalStage {
  @Override
  public String name() {
    return Keys.STAGE_COMMONNESS;
  }

  @Override
  public String signal() {
    return "softdedup";
  }

  @Override
  public List<String> scopes() {
    return List.of(Keys.SCOPE_TOKENIZER, Keys.SCOPE_SOFTDEDUP);
  }

  @Override
  public Map<String, Object> compute(
      SparkSession spark,
      Dataset<Row> docs,
      ResolvedConfig cfg,
      String dataPath,
      Map<String, String> prerequisiteDirs) {
    return CommonnessStage.run(spark, docs, CommonnessParams.fromConfig(cfg), dataPath);
  }
}
