package io.reweigh.influence.coreset.spark;

import static io.reweigh.influence.coreset.CoresetSignal.IS_CORESET;
import static io.reweigh.influence.coreset.CoresetSignal.WEIGHT;
import static io.reweigh.influence.spark.ScratchColumns.HASH;
import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.influence.InfluenceSignal;
import io.reweigh.influence.coreset.CoresetParams;
import io.reweigh.influence.coreset.Fidelity;
import io.reweigh.influence.spark.ProxyModelStage;
import io.reweigh.influence.spark.SelfInfluenceScoring;
import java.util.HashMap;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Step 6 of the coreset stage (docs/coreset.md): a seeded sample of non-coreset documents scored in
 * full ({@link SelfInfluenceScoring}) and compared with their propagated weights ({@link
 * Fidelity}).
 */
final class FidelityCheck {
  private FidelityCheck() {}

  /** Seed offset of the validation sample (a different draw from the embedding partitioning). */
  private static final long SAMPLE_SEED = 0x5EED;

  /**
   * Scores the sample into {@code path}'s validation folder (deleted afterwards) and compares it
   * with {@code written}, the coreset table; {@code n} documents in all.
   */
  static Fidelity check(
      SparkSession spark,
      Dataset<Row> base,
      Dataset<Row> written,
      CoresetParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String path,
      double stageSeconds,
      double coresetScoringSeconds,
      long n) {
    String valPath = path + "_val";
    Dataset<Row> sample =
        base.join(
                written.filter(col(IS_CORESET).equalTo(false)).select(Columns.ID),
                Columns.ID,
                "left_semi")
            .withColumn(HASH, SparkStats.seededHash(p.seed() ^ SAMPLE_SEED, Columns.ID))
            .orderBy(col(HASH), col(Columns.ID))
            .limit(p.validationDocs())
            .select(Columns.ID, Columns.TEXT);
    long t0 = System.nanoTime();
    Dataset<Row> truth =
        SelfInfluenceScoring.score(
            spark, sample, p.influence(), checkpoints, valPath, new HashMap<>());
    List<Row> pairs =
        truth
            .join(written.select(Columns.ID, WEIGHT), Columns.ID)
            .orderBy(Columns.ID)
            .collectAsList();
    double seconds = (System.nanoTime() - t0) / 1e9;
    SelfInfluenceScoring.delete(spark, valPath);
    double tau = p.phase() == 1 ? p.influence().tau1() : p.influence().tau2();
    double[] propagated = new double[pairs.size()];
    double[] trueSi = new double[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      Row r = pairs.get(i);
      trueSi[i] = r.getDouble(r.fieldIndex(InfluenceSignal.SI));
      propagated[i] = r.getDouble(r.fieldIndex(WEIGHT));
    }
    return Fidelity.of(propagated, trueSi, tau, seconds, n, stageSeconds, coresetScoringSeconds);
  }
}
