package io.reweigh.jobs;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.spark.InfluenceStage;
import io.reweigh.influence.spark.ProxyModelStage;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** PRESENCE self-influence as a pipeline stage, after the proxy-model stage that trains the LM. */
final class InfluenceSignal implements SignalStage {
  static final String PROXY_MODEL = "proxy-model";

  @Override
  public String name() {
    return Keys.STAGE_INFLUENCE;
  }

  @Override
  public String signal() {
    return "presence";
  }

  @Override
  public List<String> scopes() {
    return List.of(Keys.SCOPE_TOKENIZER, Keys.SCOPE_INFLUENCE);
  }

  @Override
  public List<Prerequisite> prerequisites() {
    return List.of(
        new Prerequisite() {
          @Override
          public String name() {
            return PROXY_MODEL;
          }

          @Override
          public List<String> scopes() {
            return List.of(Keys.SCOPE_TOKENIZER, Keys.SCOPE_INFLUENCE);
          }

          @Override
          public Map<String, Object> compute(
              SparkSession spark, Dataset<Row> docs, ResolvedConfig cfg, String dataPath) {
            return ProxyModelStage.run(spark, docs, InfluenceParams.fromConfig(cfg), dataPath);
          }
        });
  }

  @Override
  public Map<String, Object> compute(
      SparkSession spark,
      Dataset<Row> docs,
      ResolvedConfig cfg,
      String dataPath,
      Map<String, String> prerequisiteDirs) {
    return InfluenceStage.run(
        spark,
        docs,
        InfluenceParams.fromConfig(cfg),
        ProxyModelStage.read(spark, prerequisiteDirs.get(PROXY_MODEL)),
        dataPath);
  }
}
