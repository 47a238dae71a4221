package io.reweigh.core.spark;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.stage.StageStats;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark side of a signal: a planner and a runner (docs/architecture.md, "Adding a signal").
 * Registered, like the {@link io.reweigh.core.signal.Signal} it computes, with one line in its
 * module's {@code META-INF/services/io.reweigh.core.spark.SignalStage}; matched to it by {@link
 * #signal()}.
 *
 * <p>{@link #plan} turns the resolved config into an immutable, serialisable plan on the driver.
 * The orchestrator calls it on a {@link ResolvedConfig#recording()} view, so the stage's
 * fingerprint covers exactly the keys the plan read. {@link #compute} gets only the plan, never the
 * config, so it cannot read a key the fingerprint missed.
 *
 * @param <P> the plan record shipped to executors
 */
public interface SignalStage<P extends Serializable> {

  /** The {@link io.reweigh.core.signal.Signal#name()} this stage computes. */
  String signal();

  /** Resolves the plan on the driver; throws a user-facing error for an invalid combination. */
  P plan(ResolvedConfig cfg);

  /**
   * Stages this one reads (a trained model, …); each is run and committed once per pipeline run
   * under {@code stages/<name>/}, even when several signals need it, and its fingerprint becomes
   * part of this stage's.
   */
  default List<Prerequisite<?>> prerequisites() {
    return List.of();
  }

  /**
   * Computes the score table (id, score columns, the signal's weight columns) and writes it as
   * Parquet to {@code dataPath}. {@code docs} are the usable documents of the ingest stage; {@code
   * prerequisiteDirs} maps each prerequisite's name to its committed folder.
   */
  StageStats compute(
      SparkSession spark,
      Dataset<Row> docs,
      P plan,
      String dataPath,
      Map<String, String> prerequisiteDirs);

  /** A stage computed before signals that need it, with the same plan/compute split. */
  interface Prerequisite<Q extends Serializable> {
    String name();

    Q plan(ResolvedConfig cfg);

    /** Writes the stage's files into {@code dataPath}. */
    StageStats compute(SparkSession spark, Dataset<Row> docs, Q plan, String dataPath);
  }
}
