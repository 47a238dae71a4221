package io.reweigh.jobs.tune;

import ai.djl.ndarray.NDManager;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.influence.evaluate.ArmRun;
import io.reweigh.influence.evaluate.DoReMi;
import io.reweigh.influence.evaluate.DomainMixture;
import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.jobs.evaluate.ArmDraws;
import io.reweigh.jobs.evaluate.ArmPool;
import io.reweigh.jobs.stage.TrainingProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * DoReMi on the run's documents (docs/tuning.md, "The learned mixture"): a reference model trained
 * on the current mixture (the run's own weights), then a proxy trained on windows drawn uniformly
 * over the domains — within a domain ∝ the run's weights — whose loss {@link DoReMi} reweighs step
 * by step. The mixture is the mean of the domain weights over the proxy's steps, as shares of the
 * training tokens ({@code sampler.domain-share-of=tokens}).
 */
final class LearnedMixture {
  private LearnedMixture() {}

  /** Each domain's share of Σ weight × tokens in a pool. */
  static SortedMap<String, Double> currentShares(ArmPool pool) {
    SortedMap<String, Double> out = new TreeMap<>();
    double total = 0;
    for (org.apache.spark.sql.Row r :
        pool.rows()
            .groupBy(ArmPool.DOMAIN)
            .agg(
                org.apache.spark.sql.functions.sum(
                    org.apache
                        .spark
                        .sql
                        .functions
                        .col(ArmPool.W)
                        .multiply(org.apache.spark.sql.functions.col(ArmPool.N))))
            .collectAsList()) {
      double v = r.isNullAt(1) ? 0 : r.getDouble(1);
      out.put(r.getString(0), v);
      total += v;
    }
    double t = total;
    out.replaceAll((d, v) -> t > 0 ? v / t : 0);
    return out;
  }

  /**
   * The learned shares, the domains' token shares under the run's weights, and the run of the
   * domain weights that led to them.
   */
  record Result(
      SortedMap<String, Double> shares,
      SortedMap<String, Double> current,
      DoReMi doremi,
      int steps) {}

  static Result learn(
      ArmPool current,
      List<String> domains,
      Evaluation.Settings s,
      Evaluation.HeldOut heldOut,
      Tokenizer tokenizer,
      DoReMi.Settings settings,
      NDManager root,
      TrainingProgress tp) {
    int context = s.shape().context();
    int vocab = s.shape().vocab();
    long seed = s.seed();
    ArmDraws.Drawn refDraws =
        ArmDraws.draw(current, seed, s.budgetTokens(), context, vocab, tokenizer);
    List<Evaluation.WindowSource> streams = new ArrayList<>();
    for (String d : domains) {
      ArmDraws.Drawn dd =
          ArmDraws.draw(
              TuneDocs.domain(current, d),
              seed,
              (long) Math.ceil((double) s.budgetTokens() / domains.size()),
              context,
              vocab,
              tokenizer);
      streams.add(Evaluation.packed(dd.chunks(), context));
    }
    tp.runStarted("DoReMi reference (the run's weights)", 0);
    try (ArmRun reference =
        new ArmRun(
            "doremi-reference",
            Evaluation.packed(refDraws.chunks(), context),
            List.of(heldOut),
            s,
            root,
            tp::point,
            null)) {
      reference.advance(s.steps());
      tp.runFinished(s.steps());
      DomainMixture mixture = new DomainMixture(streams, seed ^ 0x5DEECE66DL);
      DoReMi doremi = new DoReMi(reference.model(), mixture, vocab, settings);
      tp.runStarted("DoReMi proxy (domains alike, loss ∝ α)", 0);
      try (ArmRun proxy =
          new ArmRun(
              "doremi-proxy",
              mixture,
              List.of(heldOut),
              s.withSeed(seed + 1),
              root,
              tp::point,
              doremi)) {
        proxy.advance(s.steps());
      }
      tp.runFinished(s.steps());
      double[] avg = doremi.averageAlpha();
      SortedMap<String, Double> shares = new TreeMap<>();
      double sum = 0;
      for (double a : avg) {
        sum += a;
      }
      for (int i = 0; i < domains.size(); i++) {
        shares.put(domains.get(i), avg[i] / sum);
      }
      return new Result(shares, currentShares(current), doremi, s.steps());
    }
  }
}
