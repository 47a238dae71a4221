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
import io.reweigh.influence.InfluenceDetails;
import io.reweigh.influence.InfluenceParams;
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
    String raw = SelfInfluenceScoring.rawPath(path);
    SelfInfluenceScoring.Scored scored =
        SelfInfluenceScoring.scored(spark, docs, p, checkpoints, raw);
    Dataset<Row> si = scored.table();
    double seconds = timer.lap("score").elapsed();
    long n = si.count();
    double docsPerS = n / Math.max(seconds, 1e-9);

    PresenceWeights.Weighted weighted = PresenceWeights.weighted(si, p, n);
    weighted
        .table()
        .select(Columns.ID, TOKENS, SI, W1, W2, DROPPED)
        .write()
        .option("compression", "zstd")
        .parquet(path);
    Dataset<Row> written = spark.read().parquet(path);
    Map<String, Double> siSummary = SparkStats.summary(written, SI);
    Map<String, Double> w1 = SparkStats.summary(written, W1);
    Map<String, Double> w2 = SparkStats.summary(written, W2);
    long dropped = written.filter(col(DROPPED)).count();
    SelfInfluenceScoring.delete(spark, raw);
    timer.lap("weights");
    InfluenceDetails.Scoring s = scored.facts();
    InfluenceDetails.Presence z = weighted.presence();
    return StageStats.of(
        n,
        new InfluenceDetails(
            s.modelLoads(),
            s.batches(),
            s.devices(),
            s.checkpoints(),
            s.layers(),
            s.lossNorm(),
            docsPerS,
            z == null ? null : z.siMean(),
            z == null ? null : z.siSd(),
            z == null ? null : z.zClip(),
            siSummary,
            w1,
            w2,
            dropped,
            timer.timings()));
  }
}
