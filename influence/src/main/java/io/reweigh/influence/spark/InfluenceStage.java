package io.reweigh.influence.spark;

import static io.reweigh.influence.InfluenceSignal.DROPPED;
import static io.reweigh.influence.InfluenceSignal.SI;
import static io.reweigh.influence.InfluenceSignal.TOKENS;
import static io.reweigh.influence.InfluenceSignal.W1;
import static io.reweigh.influence.InfluenceSignal.W2;
import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.influence.InfluenceParams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The influence stage (PRESENCE, Thakkar et al. 2023): scores every usable document with its
 * self-influence under the proxy LM ({@link SelfInfluenceScoring}), then turns the scores into
 * weights over the corpus ({@link PresenceWeights}) and writes id, influence_tokens,
 * self_influence, weight_influence_1, weight_influence_2 and dropped.
 */
public final class InfluenceStage {
  private InfluenceStage() {}

  public static StageStats run(
      SparkSession spark,
      Dataset<Row> docs,
      InfluenceParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String path) {
    Timer timer = new Timer();
    Map<String, Object> stats = new LinkedHashMap<>();
    String raw = SelfInfluenceScoring.rawPath(path);
    Dataset<Row> si = SelfInfluenceScoring.score(spark, docs, p, checkpoints, raw, stats);
    double scoring = timer.lap("score").elapsed();
    long n = si.count();
    stats.put("docs_per_s", n / Math.max(scoring, 1e-9));

    Dataset<Row> weighted = PresenceWeights.weights(si, p, n, stats);
    weighted
        .select(Columns.ID, TOKENS, SI, W1, W2, DROPPED)
        .write()
        .option("compression", "zstd")
        .parquet(path);
    Dataset<Row> written = spark.read().parquet(path);
    stats.put(SI, SparkStats.summary(written, SI));
    stats.put(W1, SparkStats.summary(written, W1));
    stats.put(W2, SparkStats.summary(written, W2));
    stats.put("dropped_rows", written.filter(col(DROPPED)).count());
    SelfInfluenceScoring.delete(spark, raw);
    timer.lap("weights").into(stats);
    return StageStats.of(n, stats);
  }
}
