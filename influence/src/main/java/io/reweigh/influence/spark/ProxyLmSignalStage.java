package io.reweigh.influence.spark;

import io.reweigh.core.spark.SignalStage;
import io.reweigh.core.stage.StageStats;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A signal that scores documents with the committed proxy LM: the proxy-model stage is its
 * prerequisite, run once per pipeline run however many signals need it, and its checkpoints are
 * handed to {@link #run}. Influence and coreset are the two; a new signal on the proxy LM extends
 * this and names its plan and its run.
 */
public abstract class ProxyLmSignalStage<P extends Serializable> implements SignalStage<P> {

  /** Writes the score table of {@code docs} into {@code dataPath}. */
  protected abstract StageStats run(
      SparkSession spark,
      Dataset<Row> docs,
      P plan,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String dataPath);

  @Override
  public final List<Prerequisite<?>> prerequisites() {
    return List.of(ProxyModelPrerequisite.INSTANCE);
  }

  @Override
  public final StageStats compute(
      SparkSession spark,
      Dataset<Row> docs,
      P plan,
      String dataPath,
      Map<String, String> prerequisiteDirs) {
    return run(
        spark, docs, plan, ProxyModelPrerequisite.checkpoints(spark, prerequisiteDirs), dataPath);
  }
}
