package io.reweigh.jobs.tune;

import ai.djl.ndarray.NDManager;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.evaluate.DoReMi;
import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.jobs.Manifest;
import io.reweigh.jobs.evaluate.ArmDraws;
import io.reweigh.jobs.evaluate.ArmResults;
import io.reweigh.jobs.evaluate.Evaluate;
import io.reweigh.jobs.evaluate.EvaluationSummary;
import io.reweigh.jobs.evaluate.HeldOutSet;
import io.reweigh.jobs.report.Report;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.Progress;
import io.reweigh.jobs.stage.StageRunner;
import io.reweigh.jobs.stage.TrainingProgress;
import io.reweigh.sampler.spark.ShardWriter;
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

  /** One candidate's run at one seed, kept between rungs. */
  record Key(int candidate, int seed) {}

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
    ShardWriter.SetResult set = manifest.shardSets().get(0);
    TuneDocs docs = TuneDocs.read(spark, out, cfg, set);
    try {
      Dataset<Row> training = spark.read().parquet(out.path(Columns.STAGES_DIR + "/ingest"));
      HeldOutSet.Sampling sampling =
          new HeldOutSet.Sampling(
              s.shape().context(),
              s.shape().vocab(),
              cfg.get(Keys.EVAL_MAX_TOKENS),
              cfg.get(Keys.EVAL_MIN_TOKENS),
              s.seed());
      progress.line("tune: reading held-out documents from " + evalPath + ", split in halves");
      HeldOutSet tuning =
          HeldOutSet.read(spark, cfg, evalPath, training, tokenizer, sampling.half(0));
      HeldOutSet reporting =
          HeldOutSet.read(spark, cfg, evalPath, training, tokenizer, sampling.half(1));
      List<Evaluation.HeldOut> halves = List.of(tuning.windows(), reporting.windows());

      int threads = cfg.get(Keys.EVAL_THREADS);
      DjlRuntime.limitThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
      double maxRatio = cfg.get(Keys.SAMPLER_MAX_WEIGHT_RATIO);
      List<String> domains = docs.domains();
      String skipped = mixtureSkipped(docs);
      int doremiSteps =
          cfg.get(Keys.TUNE_DOREMI_STEPS) > 0 ? cfg.get(Keys.TUNE_DOREMI_STEPS) : s.steps();

      // plan first, so that the progress lines can give an ETA over everything
      List<Candidate> candidates =
          Candidate.of(
              docs.current(),
              cfg.get(Keys.TUNE_ALPHA_GRID),
              skipped == null ? placeholderMixture(domains) : null,
              skipped == null ? heldOutMix(tuning.windows(), domains) : null,
              cfg.get(Keys.TUNE_MAX_CANDIDATES),
              s.seed());
      Halving plan = null;
      while (plan == null && candidates.size() >= 2) {
        plan =
            Halving.plan(
                candidates.size(),
                s.steps(),
                Math.max(s.every(), s.steps() / 8),
                seeds.size(),
                cfg.get(Keys.TUNE_MAX_ARMS));
        if (plan == null) {
          candidates = candidates.subList(0, candidates.size() - 1);
        }
      }
      if (plan == null) {
        throw PipelineErrors.invalidValue(
            Keys.TUNE_MAX_ARMS.key(),
            cfg.get(Keys.TUNE_MAX_ARMS),
            null,
            "at least 2 (uniform and one other candidate, each trained once at full length)");
      }
      long totalSteps =
          (skipped == null ? 2L * doremiSteps : 0)
              + Math.round(plan.runs() * s.steps())
              + 2L * seeds.size() * s.steps();
      TrainingProgress tp = new TrainingProgress(progress, "tune", totalSteps, s.steps());

      try (NDManager root = NDManager.newBaseManager(DjlRuntime.device())) {
        LearnedMixture.Result learned = null;
        if (skipped == null) {
          progress.line("tune: DoReMi over " + domains.size() + " domains " + domains);
          learned =
              LearnedMixture.learn(
                  docs.pool(own(candidates), maxRatio),
                  domains,
                  new Evaluation.Settings(
                      s.shape(),
                      doremiSteps,
                      s.batch(),
                      s.every(),
                      s.learningRate(),
                      s.warmup(),
                      s.seed(),
                      s.learningRateKey()),
                  tuning.windows(),
                  tokenizer,
                  new DoReMi.Settings(
                      cfg.get(Keys.TUNE_DOREMI_ETA), cfg.get(Keys.TUNE_DOREMI_EPSILON)),
                  root,
                  tp);
          candidates = withMixture(candidates, learned.shares());
        } else {
          progress.line("tune: no learned mixture: " + skipped);
        }
        Search search =
            search(candidates, plan, docs, maxRatio, s, seeds, halves, tokenizer, root, tp);
        Candidate chosen = candidates.get(search.chosen());
        List<EvaluationSummary.Arm> report =
            report(
                search, chosen, candidates, docs, maxRatio, s, seeds, halves, tokenizer, root, tp);
        search.close();
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
    } finally {
      docs.close();
    }
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

  /** The search's state: every candidate's run per seed, its losses per rung, the choice. */
  static final class Search implements AutoCloseable {
    final Map<Key, Evaluation.ArmRun> runs = new LinkedHashMap<>();
    final Map<Key, ArmDraws.Drawn> draws = new LinkedHashMap<>();

    /** Each run's curves on the tuning and the reporting half, as far as it trained. */
    final Map<Key, List<Evaluation.ArmCurve>> curves = new LinkedHashMap<>();

    void advance(Key key, Evaluation.ArmRun run, int to) {
      run.advance(to);
      curves.put(key, List.of(run.curve(0), run.curve(1)));
    }

    final List<List<Double>> rungLoss = new ArrayList<>();
    private int chosen;

    /** Steps the report trained beyond the search. */
    long reportSteps;

    int chosen() {
      return chosen;
    }

    void drop(int candidate) {
      runs.entrySet()
          .removeIf(
              e -> {
                if (e.getKey().candidate() == candidate) {
                  e.getValue().close();
                  return true;
                }
                return false;
              });
    }

    @Override
    public void close() {
      runs.values().forEach(Evaluation.ArmRun::close);
      runs.clear();
    }
  }

  private static Evaluation.ArmRun start(
      Candidate c,
      long seed,
      TuneDocs docs,
      double maxRatio,
      Evaluation.Settings s,
      List<Evaluation.HeldOut> halves,
      Tokenizer tokenizer,
      NDManager root,
      TrainingProgress tp,
      Map<Key, ArmDraws.Drawn> draws,
      Key key) {
    ArmDraws.Drawn d =
        ArmDraws.draw(
            docs.pool(c, maxRatio),
            seed,
            s.budgetTokens(),
            s.shape().context(),
            s.shape().vocab(),
            tokenizer);
    draws.put(key, d);
    return new Evaluation.ArmRun(
        c.name(),
        Evaluation.packed(d.chunks(), s.shape().context()),
        halves,
        s.withSeed(seed),
        root,
        tp::point,
        null);
  }

  static Search search(
      List<Candidate> candidates,
      Halving plan,
      TuneDocs docs,
      double maxRatio,
      Evaluation.Settings s,
      List<Long> seeds,
      List<Evaluation.HeldOut> halves,
      Tokenizer tokenizer,
      NDManager root,
      TrainingProgress tp) {
    Search search = new Search();
    List<Integer> alive = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      alive.add(i);
      search.rungLoss.add(new ArrayList<>());
    }
    for (int k = 0; k < plan.rungSteps().size(); k++) {
      int to = plan.rungSteps().get(k);
      for (int c : alive) {
        double sum = 0;
        for (int i = 0; i < plan.seeds(); i++) {
          Key key = new Key(c, i);
          Evaluation.ArmRun run = search.runs.get(key);
          tp.runStarted(
              candidates.get(c).name() + " seed " + seeds.get(i), run == null ? 0 : run.step());
          if (run == null) {
            run =
                start(
                    candidates.get(c),
                    seeds.get(i),
                    docs,
                    maxRatio,
                    s,
                    halves,
                    tokenizer,
                    root,
                    tp,
                    search.draws,
                    key);
            search.runs.put(key, run);
          }
          search.advance(key, run, to);
          tp.runFinished(to);
          sum += run.curve(0).last().evalLoss();
        }
        search.rungLoss.get(c).add(sum / plan.seeds());
      }
      int last = k;
      List<Integer> ranked = new ArrayList<>(alive);
      ranked.sort(
          java.util.Comparator.comparingDouble((Integer c) -> search.rungLoss.get(c).get(last))
              .thenComparingInt(c -> c));
      if (k == plan.rungSteps().size() - 1) {
        search.chosen = ranked.get(0);
      } else {
        int keep = plan.survivors().get(k + 1);
        for (int c : ranked.subList(keep, ranked.size())) {
          search.drop(c);
        }
        alive = new ArrayList<>(ranked.subList(0, keep));
        alive.sort(null);
      }
    }
    return search;
  }

  /**
   * The choice and uniform at every evaluate seed, measured on the reporting half: runs of the
   * search that reached the full length are reused, the others trained now.
   */
  static List<EvaluationSummary.Arm> report(
      Search search,
      Candidate chosen,
      List<Candidate> candidates,
      TuneDocs docs,
      double maxRatio,
      Evaluation.Settings s,
      List<Long> seeds,
      List<Evaluation.HeldOut> halves,
      Tokenizer tokenizer,
      NDManager root,
      TrainingProgress tp) {
    List<Integer> arms = new ArrayList<>(List.of(0));
    if (!chosen.isUniform()) {
      arms.add(candidates.indexOf(chosen));
    }
    List<ArmResults.ArmRuns> runs = new ArrayList<>();
    for (int c : arms) {
      Candidate cand = candidates.get(c);
      List<Evaluation.ArmCurve> curves = new ArrayList<>();
      List<ArmDraws.Drawn> draws = new ArrayList<>();
      for (int i = 0; i < seeds.size(); i++) {
        Key key = new Key(c, i);
        Evaluation.ArmRun run = search.runs.get(key);
        if (run == null || run.step() < s.steps()) {
          tp.runStarted(
              cand.name() + " seed " + seeds.get(i) + " (report)", run == null ? 0 : run.step());
          if (run == null) {
            run =
                start(
                    cand,
                    seeds.get(i),
                    docs,
                    maxRatio,
                    s,
                    halves,
                    tokenizer,
                    root,
                    tp,
                    search.draws,
                    key);
            search.runs.put(key, run);
          }
          search.reportSteps += s.steps() - run.step();
          search.advance(key, run, s.steps());
          tp.runFinished(s.steps());
        }
        curves.add(run.curve(1));
        draws.add(search.draws.get(key));
      }
      runs.add(
          new ArmResults.ArmRuns(
              cand.name(), docs.pool(cand, maxRatio).drawnFrom(), docs.count(), curves, draws));
    }
    return ArmResults.summarize(runs, Candidate.UNIFORM, seeds, halves.get(1).groupNames());
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
      Search search,
      List<EvaluationSummary.Arm> report,
      double seconds,
      Progress progress) {
    Candidate chosen = candidates.get(search.chosen());
    Map<String, String> fingerprints = new LinkedHashMap<>();
    StageRunner runner = new StageRunner(out, false, progress);
    fingerprints.put("ingest", runner.committedFingerprint("ingest"));
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
        (learned == null ? 0 : 2.0 * learned.steps() / cfg.get(Keys.EVAL_STEPS))
            + plan.runs()
            + (double) search.reportSteps / cfg.get(Keys.EVAL_STEPS);
    TuningSummary summary =
        new TuningSummary(
            evalPath,
            tuning.summary(cfg.get(Keys.EVAL_SEED)),
            reporting.summary(cfg.get(Keys.EVAL_SEED)),
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
