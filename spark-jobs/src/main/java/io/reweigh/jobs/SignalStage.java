package io.reweigh.jobs;

import io.reweigh.core.config.ResolvedConfig;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A signal stage as the orchestrator sees it: which config scopes change its result, and how to
 * compute its score table (id + score + weight columns) from the usable documents.
 */
public interface SignalStage {
  /** Stage name: folder under stages/ and entry in the {@code stages} key. */
  String name();

  /** Sampler signal name (weight_&lt;signal&gt; column). */
  String signal();

  /** Config scopes that go into this stage's fingerprint. */
  List<String> scopes();

  /**
   * Computes the score table and writes it as Parquet to {@code dataPath}; returns stats for the
   * manifest (at least "rows").
   */
  Map<String, Object> compute(
      SparkSession spark, Dataset<Row> docs, ResolvedConfig cfg, String dataPath);
}
