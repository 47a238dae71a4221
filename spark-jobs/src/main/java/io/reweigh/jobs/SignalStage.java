package io.reweigh.jobs;

import io.reweigh.core.config.ResolvedConfig;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A signal stage as the orchestrator sees it: which config scopes change its result, which model
 * stages it needs first, and how to compute its score table (id + score + weight columns) from the
 * usable documents.
 */
public interface SignalStage {
  /** Stage name: folder under stages/ and entry in the {@code stages} key. */
  String name();

  /** Sampler signal name (weight_&lt;signal&gt; column). */
  String signal();

  /** Config scopes that go into this stage's fingerprint. */
  List<String> scopes();

  /**
   * Stages (such as a trained model) this one reads; each is committed under stages/&lt;name&gt;
   * and its fingerprint becomes part of this stage's.
   */
  default List<Prerequisite> prerequisites() {
    return List.of();
  }

  /** A stage computed before the signal: its name, config scopes and body. */
  interface Prerequisite {
    String name();

    List<String> scopes();

    /** Writes the stage's files into {@code dataPath}; returns its stats. */
    Map<String, Object> compute(
        SparkSession spark, Dataset<Row> docs, ResolvedConfig cfg, String dataPath);
  }

  /**
   * Computes the score table and writes it as Parquet to {@code dataPath}; returns stats for the
   * manifest (at least "rows"). {@code prerequisiteDirs} maps each prerequisite's name to its
   * committed folder.
   */
  Map<String, Object> compute(
      SparkSession spark,
      Dataset<Row> docs,
      ResolvedConfig cfg,
      String dataPath,
      Map<String, String> prerequisiteDirs);
}
