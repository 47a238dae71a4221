package io.reweigh.jobs.evaluate;

import ai.djl.ndarray.NDManager;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.config.EvaluateKeys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.ProxyLmConfig;
import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.jobs.manifest.EvaluationSummary;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.report.Report;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.Progress;
import io.reweigh.jobs.stage.TrainingProgress;
import io.reweigh.sampler.ShardSets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code reweigh evaluate OUT --eval PATH} (docs/evaluation.md): does training on these weights
 * help? Trains the same small causal LM from scratch once per arm and seed on the driver ({@link
 * Evaluation}), the arms differing only in how their training windows are drawn from a finished
 * output ({@link ArmPool}, {@link ArmDraws}), and measures perplexity on a seeded sample of
 * held-out windows ({@link HeldOutSet}); {@link ArmResults} turns the per-seed curves into ratios
 * with intervals.
 */
public final class Evaluate {
  private Evaluate() {}

  static final String CURVES = Columns.EVALUATION_DIR + "/curves.csv";
  static final String DOMAINS = Columns.EVALUATION_DIR + "/domains.csv";
  static final String SUMMARY = Columns.EVALUATION_DIR + "/summary.json";

  /** The result and the manifest it was added to. */
  public record Result(EvaluationSummary summary, Manifest manifest) {}

  /** What every arm and seed shares, from the evaluate.* keys. */
  public static Evaluation.Settings settings(ResolvedConfig cfg) {
    int width = cfg.get(EvaluateKeys.EVAL_WIDTH);
    int heads = cfg.get(EvaluateKeys.EVAL_HEADS);
    if (width % heads != 0) {
      throw PipelineErrors.invalidValue(
          EvaluateKeys.EVAL_WIDTH.key(),
          width,
          null,
          "a multiple of evaluate.proxy.heads (" + heads + ")");
    }
    ProxyLmConfig shape =
        new ProxyLmConfig(
            cfg.get(EvaluateKeys.EVAL_VOCAB),
            width,
            cfg.get(EvaluateKeys.EVAL_BLOCKS),
            heads,
            cfg.get(EvaluateKeys.EVAL_CONTEXT));
    return new Evaluation.Settings(
        shape,
        cfg.get(EvaluateKeys.EVAL_STEPS),
        cfg.get(EvaluateKeys.EVAL_BATCH),
        cfg.get(EvaluateKeys.EVAL_EVERY),
        cfg.get(EvaluateKeys.EVAL_LEARNING_RATE),
        cfg.get(EvaluateKeys.EVAL_WARMUP),
        cfg.get(EvaluateKeys.EVAL_SEED),
        EvaluateKeys.EVAL_LEARNING_RATE.key());
  }

  /** evaluate.seed, evaluate.seed + 1, … (evaluate.seeds of them). */
  public static List<Long> seeds(ResolvedConfig cfg) {
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < cfg.get(EvaluateKeys.EVAL_SEEDS); i++) {
      seeds.add(cfg.get(EvaluateKeys.EVAL_SEED) + i);
    }
    return seeds;
  }

  public static Result run(
      SparkSession spark, OutputDir out, String evalPath, List<String> sets, Progress progress) {
    long t0 = System.nanoTime();
    Manifest manifest = Report.readManifest(out);
    progress.stageStarted("evaluate");
    ResolvedConfig cfg =
        ConfigLoader.recorded(
            manifest.config(), "manifest.json of " + out.root() + " (its recorded config)", sets);
    List<String> arms = cfg.get(EvaluateKeys.EVAL_ARMS);
    requireUniformArm(arms);
    Evaluation.Settings s = settings(cfg);
    List<Long> seeds = seeds(cfg);
    Tokenizer tokenizer = Tokenizers.fromConfig(cfg);
    ShardSets.SetResult set = manifest.shardSets().get(0);
    Dataset<Row> training = spark.read().parquet(out.path(Columns.STAGES_DIR + "/ingest"));
    Dataset<Row> shards = spark.read().parquet(out.path(set.dir()));

    // every arm's pool first, so that a wrong arm fails before any training
    List<ArmPool> pools = new ArrayList<>();
    for (String arm : arms) {
      pools.add(ArmPool.of(arm, training, shards, set, cfg));
    }
    progress.line("evaluate: reading held-out documents from " + evalPath);
    HeldOutSet held =
        HeldOutSet.read(
            spark,
            cfg,
            evalPath,
            training,
            tokenizer,
            new HeldOutSet.Sampling(
                s.shape().context(),
                s.shape().vocab(),
                cfg.get(EvaluateKeys.EVAL_MAX_TOKENS),
                cfg.get(EvaluateKeys.EVAL_MIN_TOKENS),
                s.seed()));

    limitThreads(cfg);
    List<ArmResults.ArmRuns> runs = train(pools, held, s, seeds, tokenizer, progress);
    List<String> domains = held.windows().groupNames();
    EvaluationSummary summary =
        new EvaluationSummary(
            evalPath,
            held.summary(s.seed()),
            set.dir(),
            s.steps(),
            s.batch(),
            s.shape().context(),
            s.budgetTokens(),
            seeds,
            describe(s.shape()),
            EvaluateKeys.ARM_UNIFORM,
            ArmResults.summarize(runs, EvaluateKeys.ARM_UNIFORM, seeds, domains),
            CURVES,
            Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
    Manifest updated = write(spark, out, manifest, summary, runs, seeds, domains);
    progress.stageFinished(
        "evaluate", held.windows().windows().size(), (System.nanoTime() - t0) / 1e9);
    return new Result(summary, updated);
  }

  /** The driver's PyTorch threads for training: evaluate.threads, 0 = every core. */
  public static void limitThreads(ResolvedConfig cfg) {
    int threads = cfg.get(EvaluateKeys.EVAL_THREADS);
    DjlRuntime.limitThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
  }

  private static void requireUniformArm(List<String> arms) {
    if (!arms.contains(EvaluateKeys.ARM_UNIFORM)) {
      throw PipelineErrors.usage(
          "evaluate.arms " + arms + " has no " + EvaluateKeys.ARM_UNIFORM + " arm.",
          "The uniform arm is the baseline every ratio is measured against: add it, e.g. --arms "
              + EvaluateKeys.ARM_UNIFORM
              + ","
              + String.join(",", arms)
              + ".");
    }
  }

  /**
   * Trains one model per seed and arm, every arm of a seed drawing its windows with that seed
   * (common random numbers, docs/evaluation.md); an arm's document count is that of its last draw.
   */
  private static List<ArmResults.ArmRuns> train(
      List<ArmPool> pools,
      HeldOutSet held,
      Evaluation.Settings s,
      List<Long> seeds,
      Tokenizer tokenizer,
      Progress progress) {
    List<ArmResults.ArmRuns> runs = new ArrayList<>();
    for (ArmPool pool : pools) {
      runs.add(
          new ArmResults.ArmRuns(
              pool.arm(), pool.drawnFrom(), 0, new ArrayList<>(), new ArrayList<>()));
    }
    TrainingProgress tp =
        new TrainingProgress(
            progress, "evaluate", (long) seeds.size() * pools.size() * s.steps(), s.steps());
    long[] documents = new long[pools.size()];
    try (NDManager root = NDManager.newBaseManager(DjlRuntime.device())) {
      for (long seed : seeds) {
        Evaluation.Settings ss = s.withSeed(seed);
        for (int a = 0; a < pools.size(); a++) {
          ArmPool pool = pools.get(a);
          ArmDraws.Drawn d =
              ArmDraws.draw(
                  pool,
                  seed,
                  ss.budgetTokens(),
                  ss.shape().context(),
                  ss.shape().vocab(),
                  tokenizer);
          documents[a] = d.documents();
          String label = pool.arm() + (seeds.size() > 1 ? " seed " + seed : "");
          tp.runStarted(label, 0);
          Evaluation.ArmCurve c =
              Evaluation.train(pool.arm(), d.chunks(), held.windows(), ss, root, tp::point);
          tp.runFinished(s.steps());
          requireBudget(c, ss.budgetTokens());
          runs.get(a).curves().add(c);
          runs.get(a).draws().add(d);
        }
      }
    }
    for (int a = 0; a < runs.size(); a++) {
      ArmResults.ArmRuns r = runs.get(a);
      runs.set(
          a, new ArmResults.ArmRuns(r.name(), r.drawnFrom(), documents[a], r.curves(), r.draws()));
    }
    return runs;
  }

  private static void requireBudget(Evaluation.ArmCurve c, long budgetTokens) {
    if (c.trainedTokens() != budgetTokens) {
      throw PipelineErrors.internal(
          "arm "
              + c.arm()
              + " trained "
              + c.trainedTokens()
              + " tokens, not the budget of "
              + budgetTokens
              + " every arm shares",
          null);
    }
  }

  /** evaluation/curves.csv, domains.csv, summary.json, the manifest and the report. */
  private static Manifest write(
      SparkSession spark,
      OutputDir out,
      Manifest manifest,
      EvaluationSummary summary,
      List<ArmResults.ArmRuns> runs,
      List<Long> seeds,
      List<String> domains) {
    out.writeAtomically(
        out.resolve(CURVES), EvaluationCsv.curves(runs, seeds).getBytes(StandardCharsets.UTF_8));
    if (!domains.isEmpty()) {
      out.writeAtomically(
          out.resolve(DOMAINS),
          EvaluationCsv.domains(runs, seeds, domains).getBytes(StandardCharsets.UTF_8));
    } else if (out.exists(out.resolve(DOMAINS))) {
      out.delete(out.resolve(DOMAINS));
    }
    out.writeJsonAtomically(out.resolve(SUMMARY), summary);
    Manifest updated = manifest.withEvaluation(summary);
    out.writeJsonAtomically(out.resolve(Columns.MANIFEST), updated);
    Report.write(spark, out, updated);
    return updated;
  }

  public static String describe(ProxyLmConfig m) {
    return String.format(
        Locale.ROOT,
        "decoder-only transformer, %d blocks × width %d, %d heads, vocabulary %d, context %d"
            + " (%,d parameters)",
        m.layers(),
        m.dModel(),
        m.heads(),
        m.vocab(),
        m.context(),
        m.parameterCount());
  }
}
