package io.reweigh.jobs.bench;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.weights.RankCorrelation;
import io.reweigh.influence.InfluenceSignal;
import io.reweigh.influence.coreset.CoresetSignal;
import io.reweigh.jobs.Pipeline;
import io.reweigh.jobs.Sessions;
import io.reweigh.jobs.stage.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Coreset benchmark (bin/bench-coreset): on a seeded demo corpus, the full influence stage and the
 * coreset stage (hashed, then proxy embeddings) in one JVM, with the same proxy LM. Prints stage
 * seconds, coreset ÷ influence time, and the Spearman correlation of weight_coreset with the fully
 * computed weight_influence over the whole corpus (plus the stage's own validation-sample figure).
 *
 * <p>Usage: CoresetBench WORK_DIR [DOCS=20000] [FRACTION=0.01] [extra --set values…]
 */
public final class CoresetBench {
  private CoresetBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    int docs = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    String fraction = args.length > 2 ? args[2] : "0.01";
    Path input = work.resolve("input");
    Bench.deleteQuietly(work);
    new DemoCorpus(42).writeJsonl(input, docs, 4, DemoCorpus.DEFAULT_BAD_ROWS);
    SparkSession spark = Sessions.create(null);
    ResolvedConfig cfg =
        ResolvedConfig.defaults()
            .withSet("stages=[influence, coreset]")
            .withSet("coreset.fraction=" + fraction);
    for (int i = 3; i < args.length; i++) {
      cfg = cfg.withSet(args[i]);
    }
    Path out = work.resolve("out");
    Progress progress = new Progress(System.err, 30);
    System.out.printf(
        Locale.ROOT, "corpus: %,d seeded demo documents, coreset.fraction=%s%n", docs, fraction);
    for (String embedding : List.of("hashed", "proxy")) {
      ResolvedConfig c = cfg.withSet("coreset.embedding=" + embedding);
      Pipeline.Summary s =
          Pipeline.run(
              spark, new Pipeline.Options(input.toString(), out.toString(), c, false), progress);
      Map<String, StageStats> st = s.manifest().stages();
      double influence = st.get(InfluenceSignal.NAME).seconds();
      double coreset = st.get(CoresetSignal.NAME).seconds();
      @SuppressWarnings("unchecked")
      Map<String, Object> v =
          (Map<String, Object>) st.get(CoresetSignal.NAME).detailsJson().get("validation");
      double rho = corpusSpearman(spark, out, c.get(InfluenceSignal.PHASE));
      double withoutValidation =
          v == null ? coreset : ((Number) v.get("coreset_stage_seconds")).doubleValue();
      System.out.printf(
          Locale.ROOT,
          "%-7s proxy-model %6.1f s | influence (all docs) %6.1f s | coreset %6.1f s, without its"
              + " validation sample %6.1f s | coreset/influence %.3f (without validation %.3f) |"
              + " spearman(weight_coreset, weight_influence) all docs %.3f, validation sample %s%n",
          embedding,
          st.get("proxy-model").seconds(),
          influence,
          coreset,
          withoutValidation,
          coreset / influence,
          withoutValidation / influence,
          rho,
          v == null
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%.3f (%s docs)",
                  ((Number) v.get("spearman")).doubleValue(),
                  v.get("docs")));
    }
    spark.stop();
  }

  /** Spearman of weight_coreset and the chosen phase's weight_influence over every document. */
  static double corpusSpearman(SparkSession spark, Path out, int phase) {
    String w = phase == 1 ? InfluenceSignal.W1 : InfluenceSignal.W2;
    List<Row> rows =
        spark
            .read()
            .parquet(out.resolve("stages/" + InfluenceSignal.NAME).toString())
            .select(Columns.ID, w)
            .join(
                spark
                    .read()
                    .parquet(out.resolve("stages/" + CoresetSignal.NAME).toString())
                    .select(Columns.ID, CoresetSignal.WEIGHT),
                Columns.ID)
            .orderBy(Columns.ID)
            .collectAsList();
    double[] a = new double[rows.size()];
    double[] b = new double[rows.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = rows.get(i).getDouble(1);
      b[i] = rows.get(i).getDouble(2);
    }
    return RankCorrelation.spearman(a, b);
  }
}
