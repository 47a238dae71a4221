package io.reweigh.jobs.tune;

import ai.djl.ndarray.NDManager;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.config.EvaluateKeys;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.evaluate.DoReMi;
import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.jobs.evaluate.Evaluate;
import io.reweigh.jobs.evaluate.HeldOutSet;
import io.reweigh.jobs.manifest.EvaluationSummary;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.manifest.TuningSummary;
import io.reweigh.jobs.report.Report;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.Progress;
import io.reweigh.jobs.stage.StageRunner;
import io.reweigh.jobs.stage.TrainingProgress;
import io.reweigh.sampler.ShardSets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code reweigh tune OUT --eval HELD_OUT} (docs/tuning.md): weights that help, found on held-out
 * text the user cares about. The held-out set is split by a seeded hash of id into a tuning half
 * and a reporting half. With a domain column, DoReMi learns a domain mixture ({@link
 * LearnedMixture}); then successive halving ({@link Halving}) searches the signals' exponents with
 * and without it, uniform always a candidate, choosing on the tuning half only; the choice and
 * uniform are then trained at every evaluate seed and compared on the reporting half. Writes
 * tuning/tuned.conf, which {@code reweigh run -c} applies by rerunning only the sampler.
 */
public final class Tune {
  private Tune() {}

  static final String DIR = TuningSummary.DIR;

  /** The result and the manifest it was added to. */
  public record Result(TuningSummary summary, Manifest manifest) {}

  public static Result run(
      SparkSession spark, OutputDir out, String evalPath, List<String> sets, Progress progress) {
    long t0 = System.nanoTime();
    Manifest manifest = Report.readManifest(out);
    progress.stageStarted("tune");
    ResolvedConfig cfg =
        ConfigLoader.recorded(
            manifest.config(), "manifest.json of " + out.root() + " (its recorded config)", sets);
    Evaluation.Settings s = Evaluate.settings(cfg);
    List<Long> seeds = Evaluate.seeds(cfg);
    Tokenizer tokenizer = Tokenizers.fromConfig(cfg);
    ShardSets.SetResult set = manifest.shardSets().get(0);
    TuneDocs docs = TuneDocs.read(spark, out, cfg, set);
    try {
      Dataset<Row> training = spark.read().parquet(out.path(Columns.STAGES_DIR + "/ingest"));
      progress.line("tune: reading held-out documents from " + evalPath + ", split in halves");
      HeldOutSet tuning = heldOutHalf(spark, cfg, evalPath, training, tokenizer, s, 0);
      HeldOutSet reporting = heldOutHalf(spark, cfg, evalPath, training, tokenizer, s, 1);
      List<Evaluation.HeldOut> halves = List.of(tuning.windows(), reporting.windows());

      Evaluate.limitThreads(cfg);
      double maxRatio = cfg.get(Keys.SAMPLER_MAX_WEIGHT_RATIO);
      List<String> domains = docs.domains();
      String skipped = mixtureSkipped(docs);
      int doremiSteps = cfg.get(EvaluateKeys.TUNE_DOREMI_STEPS); // 0: evaluate.steps
      doremiSteps = doremiSteps > 0 ? doremiSteps : s.steps();

      // plan first, so that the progress lines can give an ETA over everything
      List<Candidate> candidates = candidates(docs, cfg, skipped, tuning, s);
      Halving plan = plan(candidates, s, seeds.size(), cfg);
      candidates = candidates.subList(0, plan.survivors().get(0));
      TrainingProgress tp =
          new TrainingProgress(
              progress, "tune", totalSteps(skipped, doremiSteps, plan, s, seeds), s.steps());

      try (NDManager root = NDManager.newBaseManager(DjlRuntime.device())) {
        LearnedMixture.Result learned = null;
        if (skipped == null) {
          progress.line("tune: DoReMi over " + domains.size() + " domains " + domains);
          learned =
              learn(
                  docs,
                  own(candidates),
                  s.withSteps(doremiSteps),
                  tuning,
                  tokenizer,
                  cfg,
                  root,
                  tp);
          candidates = withMixture(candidates, learned.shares());
        } else {
          progress.line("tune: no learned mixture: " + skipped);
        }
        try (TuneSearch search =
            new TuneSearch(docs, maxRatio, s, seeds, halves, tokenizer, root, tp)) {
          search.run(candidates, plan);
          List<EvaluationSummary.Arm> report = search.report(candidates);
          return finish(
              spark,
              out,
              manifest,
              cfg,
              evalPath,
              tuning,
              reporting,
              docs,
              learned,
              skipped,
              plan,
              candidates,
              search,
              report,
              (System.nanoTime() - t0) / 1e9,
              progress);
        }
      }
    } finally {
      docs.close();
    }
  }

  /** The candidates in the order they enter the search (docs/tuning.md, "Candidates"). */
  private static List<Candidate> candidates(
      TuneDocs docs, ResolvedConfig cfg, String skipped, HeldOutSet tuning, Evaluation.Settings s) {
    List<String> domains = docs.domains();
    return Candidate.of(
        docs.current(),
        cfg.get(EvaluateKeys.TUNE_ALPHA_GRID),
        skipped == null ? placeholderMixture(domains) : null,
        skipped == null ? heldOutMix(tuning.windows(), domains) : null,
        cfg.get(EvaluateKeys.TUNE_MAX_CANDIDATES),
        s.seed());
  }

  /** Training steps of the whole tune: DoReMi's two runs, the halving plan, the final report. */
  private static long totalSteps(
      String skipped, int doremiSteps, Halving plan, Evaluation.Settings s, List<Long> seeds) {
    return (skipped == null ? 2L * doremiSteps : 0)
        + Math.round(plan.runs() * s.steps())
        + 2L * seeds.size() * s.steps();
  }

  /** One half of the held-out set's seeded split (0 tunes, 1 reports). */
  private static HeldOutSet heldOutHalf(
      SparkSession spark,
      ResolvedConfig cfg,
      String evalPath,
      Dataset<Row> training,
      Tokenizer tokenizer,
      Evaluation.Settings s,
      int half) {
    HeldOutSet.Sampling sampling =
        new HeldOutSet.Sampling(
            s.shape().context(),
            s.shape().vocab(),
            cfg.get(EvaluateKeys.EVAL_MAX_TOKENS),
            cfg.get(EvaluateKeys.EVAL_MIN_TOKENS),
            s.seed());
    return HeldOutSet.read(spark, cfg, evalPath, training, tokenizer, sampling.half(half));
  }

  /** DoReMi's domain mixture over the run's own setting, on the tuning half (docs/tuning.md). */
  private static LearnedMixture.Result learn(
      TuneDocs docs,
      Candidate own,
      Evaluation.Settings s,
      HeldOutSet tuning,
      Tokenizer tokenizer,
      ResolvedConfig cfg,
      NDManager root,
      TrainingProgress tp) {
    return LearnedMixture.learn(
        docs.pool(own, cfg.get(Keys.SAMPLER_MAX_WEIGHT_RATIO)),
        docs.domains(),
        s,
        tuning.windows(),
        tokenizer,
        new DoReMi.Settings(
            cfg.get(EvaluateKeys.TUNE_DOREMI_ETA), cfg.get(EvaluateKeys.TUNE_DOREMI_EPSILON)),
        root,
        tp);
  }

  /**
   * The successive-halving plan for as many of the candidates as fit in tune.max-arms (the last
   * ones are left out first); an error when not even uniform and one other fit.
   */
  static Halving plan(
      List<Candidate> candidates, Evaluation.Settings s, int seeds, ResolvedConfig cfg) {
    for (int n = candidates.size(); n >= 2; n--) {
      Halving plan =
          Halving.plan(
              n,
              s.steps(),
              Math.max(s.every(), s.steps() / 8),
              seeds,
              cfg.get(EvaluateKeys.TUNE_MAX_ARMS));
      if (plan != null) {
        return plan;
      }
    }
    throw PipelineErrors.invalidValue(
        EvaluateKeys.TUNE_MAX_ARMS.key(),
        cfg.get(EvaluateKeys.TUNE_MAX_ARMS),
        null,
        "at least 2 (uniform and one other candidate, each trained once at full length)");
  }

  /** The run's own setting among the candidates ("current", or uniform when that is the run's). */
  static Candidate own(List<Candidate> candidates) {
    for (Candidate c : candidates) {
      if (c.name().equals(Candidate.CURRENT)) {
        return c;
      }
    }
    return candidates.get(0);
  }

  /** Why DoReMi cannot run on these documents, or null when it can. */
  static String mixtureSkipped(TuneDocs docs) {
    boolean without = docs.tokensByDomain().keySet().stream().anyMatch(java.util.Objects::isNull);
    if (without && docs.tokensByDomain().size() == 1) {
      return "the documents have no domain (input.domain-column)";
    }
    if (without) {
      return "some documents have no domain (domain targets need every document to have one)";
    }
    if (docs.tokensByDomain().size() < 2) {
      return "every document is in one domain";
    }
    return null;
  }

  /** Domain shares to plan with before DoReMi has run (replaced by {@link #withMixture}). */
  private static SortedMap<String, Double> placeholderMixture(List<String> domains) {
    SortedMap<String, Double> m = new java.util.TreeMap<>();
    domains.forEach(d -> m.put(d, 1.0 / domains.size()));
    return m;
  }

  private static List<Candidate> withMixture(List<Candidate> cs, SortedMap<String, Double> mix) {
    List<Candidate> out = new ArrayList<>();
    for (Candidate c : cs) {
      out.add(c.learnsMixture() ? new Candidate(c.name(), c.alphas(), mix) : c);
    }
    return out;
  }

  /**
   * The tuning half's own domain mix: each training domain's share of the sampled held-out tokens
   * (domains the held-out set lacks get 0, held-out domains without training documents are left
   * out); null when the held-out set has no domains or none of the training domains.
   */
  static SortedMap<String, Double> heldOutMix(Evaluation.HeldOut held, List<String> domains) {
    if (held.groupNames().isEmpty()) {
      return null;
    }
    SortedMap<String, Double> mix = new java.util.TreeMap<>();
    domains.forEach(d -> mix.put(d, 0.0));
    double total = 0;
    for (int i = 0; i < held.windows().size(); i++) {
      String d = held.groupNames().get(held.groups()[i]);
      if (mix.containsKey(d)) {
        double t = held.windows().get(i).length - 1;
        mix.merge(d, t, Double::sum);
        total += t;
      }
    }
    if (total == 0) {
      return null;
    }
    double sum = total;
    mix.replaceAll((d, t) -> t / sum);
    return mix;
  }

  private static Result finish(
      SparkSession spark,
      OutputDir out,
      Manifest manifest,
      ResolvedConfig cfg,
      String evalPath,
      HeldOutSet tuning,
      HeldOutSet reporting,
      TuneDocs docs,
      LearnedMixture.Result learned,
      String skipped,
      Halving plan,
      List<Candidate> candidates,
      TuneSearch search,
      List<EvaluationSummary.Arm> report,
      double seconds,
      Progress progress) {
    Candidate chosen = candidates.get(search.chosen());
    Map<String, String> fingerprints = new LinkedHashMap<>();
    StageRunner runner = new StageRunner(out, false, progress);
    fingerprints.put(Columns.INGEST_STAGE, runner.committedFingerprint(Columns.INGEST_STAGE));
    for (String name : cfg.stages()) {
      fingerprints.put(name, runner.committedFingerprint(name));
    }
    TuningSummary.Mixture mixture = learned == null ? null : TuneFiles.mixture(learned, cfg);
    List<TuningSummary.CandidateResult> results = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      results.add(
          new TuningSummary.CandidateResult(
              c.name(),
              c.alphas(),
              c.mixture(),
              List.copyOf(search.rungLoss.get(i)),
              i == search.chosen()));
    }
    double runs =
        (learned == null ? 0 : 2.0 * learned.steps() / cfg.get(EvaluateKeys.EVAL_STEPS))
            + plan.runs()
            + (double) search.reportSteps / cfg.get(EvaluateKeys.EVAL_STEPS);
    TuningSummary summary =
        new TuningSummary(
            evalPath,
            tuning.summary(cfg.get(EvaluateKeys.EVAL_SEED)),
            reporting.summary(cfg.get(EvaluateKeys.EVAL_SEED)),
            mixture,
            skipped,
            new TuningSummary.Search(plan.rungSteps(), plan.survivors(), plan.seeds(), plan.runs()),
            results,
            chosen.name(),
            report,
            TuneFiles.verdict(chosen, report),
            DIR + "/" + TuneFiles.TUNED_CONF,
            fingerprints,
            Math.round(runs * 100) / 100.0,
            Math.round(seconds * 10) / 10.0);
    TuneFiles.write(out, manifest, cfg, summary, chosen, learned, search, candidates);
    Manifest updated = manifest.withTuning(summary);
    out.writeJsonAtomically(out.resolve(Columns.MANIFEST), updated);
    Report.write(spark, out, updated);
    progress.stageFinished("tune", docs.count(), seconds);
    return new Result(summary, updated);
  }
}
