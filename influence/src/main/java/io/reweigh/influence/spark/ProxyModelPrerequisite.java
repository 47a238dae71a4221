package io.reweigh.influence.spark;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.spark.SignalStage;
import io.reweigh.core.stage.StageStats;
import io.reweigh.influence.ProxyModelParams;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code proxy-model} stage as a prerequisite of the influence and coreset signals: trained
 * once per run and committed under stages/proxy-model/, whichever of them asks first.
 */
public final class ProxyModelPrerequisite implements SignalStage.Prerequisite<ProxyModelParams> {
  public static final String NAME = "proxy-model";
  public static final ProxyModelPrerequisite INSTANCE = new ProxyModelPrerequisite();

  private ProxyModelPrerequisite() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProxyModelParams plan(ResolvedConfig cfg) {
    return ProxyModelParams.fromConfig(cfg);
  }

  /** The committed checkpoints, from the folder the pipeline hands a stage that needs them. */
  public static java.util.List<ProxyModelStage.Checkpoint> checkpoints(
      SparkSession spark, java.util.Map<String, String> prerequisiteDirs) {
    return ProxyModelStage.read(spark, prerequisiteDirs.get(NAME));
  }

  @Override
  public StageStats compute(
      SparkSession spark, Dataset<Row> docs, ProxyModelParams plan, String dataPath) {
    return ProxyModelStage.run(spark, docs, plan, dataPath);
  }
}
