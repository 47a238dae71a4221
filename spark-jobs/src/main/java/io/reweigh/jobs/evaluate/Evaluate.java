package io.reweigh.jobs.evaluate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import ai.djl.ndarray.NDManager;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.hash.Hash64;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.ProxyLmConfig;
import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.jobs.Manifest;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.InputPlanner;
import io.reweigh.jobs.report.Report;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.Progress;
import io.reweigh.sampler.spark.ShardWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code reweigh evaluate OUT --eval PATH} (docs/evaluation.md): does training on these weights
 * help? Trains the same small causal LM from scratch once per arm on the driver ({@link
 * Evaluation}), the arms differing only in how their training documents are drawn from a finished
 * output, and measures perplexity on held-out documents.
 *
 * <p>Spark does what scales with the corpus: each arm's draws (with replacement, each document a
 * Poisson number of times with mean ∝ its weight, seeded by arm and id, so only the drawn documents
 * reach the driver) and the leakage check (held-out texts joined to the training input's texts).
 * Training and scoring run in this JVM on DJL's device (a GPU when one is visible).
 */
public final class Evaluate {
  private Evaluate() {}

  /** Draws per arm: this many times the documents whose tokens fill the budget once. */
  static final double DRAW_MARGIN = 1.25;

  static final String CURVES = Columns.EVALUATION_DIR + "/curves.csv";
  static final String SUMMARY = Columns.EVALUATION_DIR + "/summary.json";

  /** The result and the manifest it was added to. */
  public record Result(EvaluationSummary summary, Manifest manifest) {}

  public static Result run(
      SparkSession spark, OutputDir out, String evalPath, List<String> sets, Progress progress) {
    long t0 = System.nanoTime();
    Manifest manifest = Report.readManifest(out);
    progress.stageStarted("evaluate");
    ResolvedConfig cfg =
        ConfigLoader.recorded(
            manifest.config(), "manifest.json of " + out.root() + " (its recorded config)", sets);
    List<String> arms = cfg.get(Keys.EVAL_ARMS);
    if (!arms.contains(Keys.ARM_UNIFORM)) {
      throw PipelineErrors.usage(
          "evaluate.arms " + arms + " has no " + Keys.ARM_UNIFORM + " arm.",
          "The uniform arm is the baseline every ratio is measured against: add it, e.g. --arms "
              + Keys.ARM_UNIFORM
              + ","
              + String.join(",", arms)
              + ".");
    }
    int width = cfg.get(Keys.EVAL_WIDTH);
    int heads = cfg.get(Keys.EVAL_HEADS);
    if (width % heads != 0) {
      throw PipelineErrors.invalidValue(
          Keys.EVAL_WIDTH.key(), width, null, "a multiple of evaluate.proxy.heads (" + heads + ")");
    }
    ProxyLmConfig shape =
        new ProxyLmConfig(
            cfg.get(Keys.EVAL_VOCAB),
            width,
            cfg.get(Keys.EVAL_BLOCKS),
            heads,
            cfg.get(Keys.EVAL_CONTEXT));
    Evaluation.Settings s =
        new Evaluation.Settings(
            shape,
            cfg.get(Keys.EVAL_STEPS),
            cfg.get(Keys.EVAL_BATCH),
            cfg.get(Keys.EVAL_EVERY),
            cfg.get(Keys.EVAL_LEARNING_RATE),
            cfg.get(Keys.EVAL_WARMUP),
            cfg.get(Keys.EVAL_SEED),
            Keys.EVAL_LEARNING_RATE.key());
    Tokenizer tokenizer = Tokenizers.fromConfig(cfg);
    ShardWriter.SetResult set = manifest.shardSets().get(0);
    Dataset<Row> training = spark.read().parquet(out.path(Columns.STAGES_DIR + "/ingest"));
    Dataset<Row> shards = spark.read().parquet(out.path(set.dir()));

    // every arm's pool first, so that a wrong arm fails before any training
    List<Pool> pools = new ArrayList<>();
    for (String arm : arms) {
      pools.add(pool(arm, training, shards, set, cfg));
    }
    progress.line("evaluate: reading held-out documents from " + evalPath);
    HeldOut held = heldOut(spark, cfg, evalPath, training, tokenizer, s);

    int threads = cfg.get(Keys.EVAL_THREADS);
    DjlRuntime.limitThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    List<Evaluation.ArmCurve> curves = new ArrayList<>();
    List<Drawn> drawnPerArm = new ArrayList<>();
    try (NDManager root = NDManager.newBaseManager(DjlRuntime.device())) {
      for (Pool pool : pools) {
        Drawn d = draw(pool, s);
        drawnPerArm.add(d);
        List<int[]> docs = new ArrayList<>(d.texts().size());
        for (String text : d.texts()) {
          docs.add(Evaluation.encode(tokenizer, text, shape.vocab()));
        }
        long armStart = System.nanoTime();
        curves.add(
            Evaluation.train(
                pool.arm(),
                docs,
                held.windows(),
                s,
                root,
                p ->
                    progress.line(
                        String.format(
                            Locale.ROOT,
                            "evaluate: %s step %d/%d held-out perplexity %.2f (%s)",
                            pool.arm(),
                            p.step(),
                            s.steps(),
                            p.perplexity(),
                            Progress.duration((System.nanoTime() - armStart) / 1e9)))));
      }
    }
    for (Evaluation.ArmCurve c : curves) {
      if (c.trainedTokens() != s.budgetTokens()) {
        throw PipelineErrors.internal(
            "arm "
                + c.arm()
                + " trained "
                + c.trainedTokens()
                + " tokens, not the budget of "
                + s.budgetTokens()
                + " every arm shares",
            null);
      }
    }
    EvaluationSummary summary =
        summary(evalPath, held, set, s, pools, drawnPerArm, curves, (System.nanoTime() - t0) / 1e9);
    out.writeAtomically(out.resolve(CURVES), curvesCsv(curves).getBytes(StandardCharsets.UTF_8));
    out.writeJsonAtomically(out.resolve(SUMMARY), summary);
    Manifest updated = manifest.withEvaluation(summary);
    out.writeJsonAtomically(out.resolve(Columns.MANIFEST), updated);
    Report.write(spark, out, updated);
    progress.stageFinished("evaluate", held.documents(), (System.nanoTime() - t0) / 1e9);
    return new Result(summary, updated);
  }

  // ---- arms ----------------------------------------------------------------------------------

  /** Rows an arm draws from: key, text, n_tokens, w (the draw weight). */
  record Pool(String arm, String drawnFrom, Dataset<Row> rows) {}

  static Pool pool(
      String arm,
      Dataset<Row> training,
      Dataset<Row> shards,
      ShardWriter.SetResult set,
      ResolvedConfig cfg) {
    List<String> shardCols = List.of(shards.columns());
    boolean copies = shardCols.contains(ShardWriter.COPY);
    Dataset<Row> distinct = copies ? shards.filter(col(ShardWriter.COPY).equalTo(0)) : shards;
    if (arm.equals(Keys.ARM_UNIFORM)) {
      return new Pool(
          arm,
          "every usable document (stages/ingest), alike",
          rows(training, col(Columns.ID), lit(1.0)));
    }
    if (arm.equals(Keys.ARM_WEIGHTED)) {
      return new Pool(
          arm,
          set.dir() + " ∝ " + Columns.WEIGHT,
          rows(distinct, col(Columns.ID), col(Columns.WEIGHT)));
    }
    if (arm.equals(Keys.ARM_RESAMPLED)) {
      if (!copies) {
        throw PipelineErrors.usage(
            "The resampled arm needs resampled shards, but "
                + set.dir()
                + " was written in sampler.mode="
                + cfg.get(Keys.SAMPLER_MODE)
                + ".",
            "Drop resampled from --arms, or rerun with sampler.mode=resample and"
                + " sampler.target-tokens.");
      }
      return new Pool(
          arm,
          set.dir() + " rows as written (copies included), alike",
          rows(
              shards,
              functions.concat(col(Columns.ID), lit("#"), col(ShardWriter.COPY).cast("string")),
              lit(1.0)));
    }
    // the column the sampler used for this signal in this set (a phased signal's phase column)
    String column = set.weightColumns().getOrDefault(arm, Columns.weightColumn(arm));
    if (!shardCols.contains(column)) {
      throw PipelineErrors.usage(
          "Arm "
              + arm
              + " draws by "
              + column
              + ", but "
              + set.dir()
              + " has no such column (the run computed stages="
              + cfg.stages()
              + ").",
          "Pick arms among uniform, weighted and the run's signals "
              + cfg.stages()
              + ", or rerun with stages including "
              + arm
              + ".");
    }
    return new Pool(arm, set.dir() + " ∝ " + column, rows(distinct, col(Columns.ID), col(column)));
  }

  private static Dataset<Row> rows(Dataset<Row> table, Column key, Column weight) {
    return table.select(
        key.cast("string").as("key"),
        col(Columns.TEXT).as("text"),
        col(Columns.N_TOKENS).cast("long").as("n"),
        weight.cast("double").as("w"));
  }

  /** An arm's drawn documents' texts in training order. */
  record Drawn(List<String> texts, long documents) {}

  /** One drawn copy: its order key and text. */
  record Copy(long order, String text) {}

  /**
   * Draws with replacement: document i appears Poisson(D·w_i/W) times, D chosen so that the draws
   * hold {@link #DRAW_MARGIN} times the token budget in expectation; the copies are ordered by a
   * seeded hash of (arm, key, copy).
   */
  static Drawn draw(Pool pool, Evaluation.Settings s) {
    Row agg =
        pool.rows()
            .agg(
                functions.sum(col("w")),
                functions.sum(col("w").multiply(col("n").plus(1))),
                functions.count(lit(1)),
                functions.sum(functions.when(col("w").isNull().or(col("w").lt(0)), 1).otherwise(0)))
            .first();
    long documents = agg.getLong(2);
    long bad = agg.isNullAt(3) ? 0 : agg.getLong(3);
    double total = agg.isNullAt(0) ? 0 : agg.getDouble(0);
    if (bad > 0 || !(total > 0) || !Double.isFinite(total)) {
      throw PipelineErrors.usage(
          "Arm "
              + pool.arm()
              + " ("
              + pool.drawnFrom()
              + ") cannot draw: "
              + documents
              + " documents, weights summing to "
              + total
              + (bad > 0 ? ", " + bad + " of them missing or negative" : "")
              + ".",
          "Evaluate an output whose shards hold documents with positive weights, or drop the arm.");
    }
    double meanTokens = agg.getDouble(1) / total;
    double draws = Math.ceil(DRAW_MARGIN * s.budgetTokens() / meanTokens) + s.batch();
    long seed = s.seed();
    String arm = pool.arm();
    List<scala.Tuple2<Long, String>> copies =
        pool.rows()
            .select("key", "text", "w")
            .flatMap(
                (org.apache.spark.api.java.function.FlatMapFunction<
                        Row, scala.Tuple2<Long, String>>)
                    r -> {
                      long h = Hash64.seeded(seed, arm + "\u0000" + r.getString(0));
                      int k = poisson(new SplittableRandom(h), draws * r.getDouble(2) / total);
                      List<scala.Tuple2<Long, String>> c = new ArrayList<>(k);
                      for (int i = 0; i < k; i++) {
                        c.add(new scala.Tuple2<>(Hash64.combine(h, i), r.getString(1)));
                      }
                      return c.iterator();
                    },
                org.apache.spark.sql.Encoders.tuple(
                    org.apache.spark.sql.Encoders.LONG(), org.apache.spark.sql.Encoders.STRING()))
            .collectAsList();
    List<Copy> sorted = new ArrayList<>(copies.size());
    for (scala.Tuple2<Long, String> c : copies) {
      sorted.add(new Copy(c._1(), c._2()));
    }
    sorted.sort(Comparator.comparingLong(Copy::order).thenComparing(Copy::text));
    List<String> texts = new ArrayList<>(sorted.size());
    for (Copy c : sorted) {
      texts.add(c.text());
    }
    if (texts.isEmpty()) {
      // a tiny pool can draw nothing by chance: train on its heaviest document (ties by key)
      texts.add(
          pool.rows().orderBy(col("w").desc(), col("key")).select("text").first().getString(0));
    }
    return new Drawn(texts, documents);
  }

  /** Poisson(λ) from a seeded generator (Knuth's product method; normal approximation above 30). */
  static int poisson(SplittableRandom r, double lambda) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda > 30) {
      double u1 = 1.0 - r.nextDouble();
      double u2 = r.nextDouble();
      double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
    }
    double limit = Math.exp(-lambda);
    double p = 1;
    int k = 0;
    do {
      k++;
      p *= r.nextDouble();
    } while (p > limit);
    return k - 1;
  }

  // ---- held-out documents --------------------------------------------------------------------

  record HeldOut(
      long rows,
      long rejected,
      long leaked,
      List<String> leakedExamples,
      long documents,
      List<int[]> windows) {}

  static HeldOut heldOut(
      SparkSession spark,
      ResolvedConfig cfg,
      String evalPath,
      Dataset<Row> training,
      Tokenizer tokenizer,
      Evaluation.Settings s) {
    // read like the run's input (id and text columns, length limit, UTF-8 checks); the format
    // is decided by the file names, so held-out JSONL can score a run on Parquet
    ResolvedConfig ecfg = cfg.with("input.format", "auto");
    InputPlan plan;
    try {
      plan = InputPlanner.plan(evalPath, ecfg, spark.sparkContext().hadoopConfiguration());
    } catch (io.reweigh.core.error.ReweighException e) {
      throw PipelineErrors.evaluationInput(
          evalPath, "it cannot be read as held-out documents: " + e.getMessage());
    }
    Ingest.Classified c = Ingest.classified(spark, plan, ecfg);
    Dataset<Row> rows = c.rows().cache();
    try {
      Dataset<Row> docs =
          rows.filter(col(Ingest.KIND).equalTo(Ingest.KIND_DOC))
              .select(
                  col(Columns.TEXT).as("etext"),
                  functions.xxhash64(col(Columns.TEXT)).as("eh"),
                  col(Columns.SOURCE_FILE).as("efile"),
                  col(Columns.SOURCE_ROW).cast("long").as("erow"));
      long usable = docs.count();
      Dataset<Row> leaked =
          training
              .select(functions.xxhash64(col(Columns.TEXT)).as("th"), col(Columns.TEXT).as("tt"))
              .join(
                  broadcast(docs),
                  col("th").equalTo(col("eh")).and(col("tt").equalTo(col("etext"))),
                  "inner")
              .select("efile", "erow")
              .distinct();
      List<String> leakedExamples = new ArrayList<>();
      long leakedCount = 0;
      for (Row r : leaked.orderBy("efile", "erow").collectAsList()) {
        leakedCount++;
        if (leakedExamples.size() < 5) {
          leakedExamples.add(fileName(r.getString(0)) + ":" + r.getLong(1));
        }
      }
      Dataset<Row> leakedKeys = leaked.select(col("efile").as("lfile"), col("erow").as("lrow"));
      Dataset<Row> clean =
          docs.join(
                  leakedKeys,
                  col("efile").equalTo(col("lfile")).and(col("erow").equalTo(col("lrow"))),
                  "left_anti")
              .orderBy("efile", "erow");
      List<int[]> encoded = new ArrayList<>();
      long ids = 0;
      int maxTokens = cfg.get(Keys.EVAL_MAX_TOKENS);
      Iterator<Row> it = clean.select("etext").toLocalIterator();
      while (it.hasNext() && ids < maxTokens + 1L) {
        int[] e = Evaluation.encode(tokenizer, it.next().getString(0), s.shape().vocab());
        encoded.add(e);
        ids += e.length;
      }
      List<int[]> windows = Evaluation.heldOutWindows(encoded, s.shape().context(), maxTokens);
      long targets = Evaluation.targets(windows);
      int min = cfg.get(Keys.EVAL_MIN_TOKENS);
      long rejected = c.inputRows() - usable;
      if (targets < min) {
        throw PipelineErrors.evaluationInput(
            evalPath,
            String.format(
                Locale.ROOT,
                "it holds %,d held-out tokens (%,d usable documents of %,d rows; %,d rejected by the"
                    + " run's input checks, %,d leaked from the training input and excluded),"
                    + " fewer than evaluate.min-eval-tokens = %,d",
                targets,
                usable - leakedCount,
                c.inputRows(),
                rejected,
                leakedCount,
                min));
      }
      return new HeldOut(
          c.inputRows(), rejected, leakedCount, leakedExamples, encoded.size(), windows);
    } finally {
      rows.unpersist();
    }
  }

  private static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  // ---- outputs -------------------------------------------------------------------------------

  static EvaluationSummary summary(
      String evalPath,
      HeldOut held,
      ShardWriter.SetResult set,
      Evaluation.Settings s,
      List<Pool> pools,
      List<Drawn> drawn,
      List<Evaluation.ArmCurve> curves,
      double seconds) {
    Evaluation.ArmCurve base = curves.get(pools.indexOf(find(pools, Keys.ARM_UNIFORM)));
    double target = base.last().evalLoss();
    Double baseSteps = Evaluation.stepsToReach(base.points(), target);
    List<EvaluationSummary.Arm> arms = new ArrayList<>();
    for (int i = 0; i < curves.size(); i++) {
      Evaluation.ArmCurve c = curves.get(i);
      Double reach = Evaluation.stepsToReach(c.points(), target);
      Evaluation.Point best =
          c.points().stream()
              .min(Comparator.comparingDouble(Evaluation.Point::evalLoss))
              .orElseThrow();
      arms.add(
          new EvaluationSummary.Arm(
              c.arm(),
              pools.get(i).drawnFrom(),
              drawn.get(i).documents(),
              drawn.get(i).texts().size(),
              c.streamTokens(),
              c.passes(),
              c.last().evalLoss(),
              c.last().perplexity(),
              Math.exp(c.last().evalLoss() - target),
              best.perplexity(),
              best.step(),
              reach,
              reach == null || baseSteps == null || baseSteps == 0 ? null : reach / baseSteps));
    }
    ProxyLmConfig m = s.shape();
    return new EvaluationSummary(
        evalPath,
        held.rows(),
        held.rejected(),
        held.leaked(),
        held.leakedExamples(),
        held.documents(),
        Evaluation.targets(held.windows()),
        set.dir(),
        s.steps(),
        s.batch(),
        m.context(),
        s.budgetTokens(),
        s.seed(),
        String.format(
            Locale.ROOT,
            "decoder-only transformer, %d blocks × width %d, %d heads, vocabulary %d, context %d"
                + " (%,d parameters)",
            m.layers(),
            m.dModel(),
            m.heads(),
            m.vocab(),
            m.context(),
            m.parameterCount()),
        Keys.ARM_UNIFORM,
        arms,
        CURVES,
        Math.round(seconds * 10) / 10.0);
  }

  private static Pool find(List<Pool> pools, String arm) {
    return pools.stream().filter(p -> p.arm().equals(arm)).findFirst().orElseThrow();
  }

  /** curves.csv: one row per arm and measurement. */
  static String curvesCsv(List<Evaluation.ArmCurve> curves) {
    StringBuilder sb =
        new StringBuilder("arm,step,tokens,learning_rate,train_loss,eval_loss,eval_perplexity\n");
    for (Evaluation.ArmCurve c : curves) {
      for (Evaluation.Point p : c.points()) {
        sb.append(c.arm())
            .append(',')
            .append(p.step())
            .append(',')
            .append(p.tokens())
            .append(',')
            .append(String.format(Locale.ROOT, "%.6g", p.learningRate()))
            .append(',')
            .append(
                Double.isNaN(p.trainLoss())
                    ? ""
                    : String.format(Locale.ROOT, "%.6f", p.trainLoss()))
            .append(',')
            .append(String.format(Locale.ROOT, "%.6f", p.evalLoss()))
            .append(',')
            .append(String.format(Locale.ROOT, "%.4f", p.perplexity()))
            .append('\n');
      }
    }
    return sb.toString();
  }

  /** The summary as the command prints it. */
  public static String table(EvaluationSummary e, OutputDir out) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nevaluation of %s%n  held-out   %s: %,d documents, %,d tokens (%,d leaked from the"
                + " training input and left out%s; %,d rows rejected)%n  model      %s%n"
                + "  budget     %,d steps × %d windows × %d tokens = %,d tokens per arm, seed %d%n%n",
            out.root(),
            e.eval(),
            e.evalDocuments(),
            e.evalTokens(),
            e.leakedDocuments(),
            e.leakedExamples().isEmpty() ? "" : ": " + String.join(", ", e.leakedExamples()),
            e.evalRejectedRows(),
            e.model(),
            e.steps(),
            e.batch(),
            e.context(),
            e.budgetTokens(),
            e.seed()));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-12s %12s %10s %16s %22s %10s  %s%n",
            "arm",
            "perplexity",
            "× uniform",
            "best (step)",
            "steps to uniform's ppl",
            "× uniform",
            "drawn from"));
    for (EvaluationSummary.Arm a : e.arms()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-12s %12.3f %10.3f %16s %22s %10s  %s%n",
              a.name(),
              a.finalPerplexity(),
              a.perplexityRatio(),
              String.format(Locale.ROOT, "%.2f (%d)", a.bestPerplexity(), a.bestStep()),
              a.stepsToBaseline() == null
                  ? "not reached"
                  : String.format(Locale.ROOT, "%.1f", a.stepsToBaseline()),
              a.stepsRatio() == null ? "-" : String.format(Locale.ROOT, "%.3f", a.stepsRatio()),
              a.drawnFrom()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%n  curves     %s/%s%n  report     %s/%s%n",
            out.root(),
            e.curves(),
            out.root(),
            Columns.REPORT));
    return sb.toString();
  }
}
