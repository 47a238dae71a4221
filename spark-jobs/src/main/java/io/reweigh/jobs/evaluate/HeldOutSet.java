package io.reweigh.jobs.evaluate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.error.ReweighException;
import io.reweigh.core.hash.Hash64;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.influence.evaluate.CommonDraws;
import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.influence.evaluate.Windows;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.InputPlanner;
import io.reweigh.jobs.manifest.EvaluationSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import scala.Tuple4;

/**
 * The held-out documents of {@code reweigh evaluate} (docs/evaluation.md, "Held-out documents"):
 * read with the run's input checks, documents whose exact text is also a training document left out
 * (leakage), and a seeded sample of their windows across the whole set — every held-out window
 * equally likely, whatever file or position it is in — up to {@code evaluate.max-eval-tokens}
 * targets, each window carrying its document's domain.
 *
 * @param rows input rows of the held-out path; {@code rejected} of them failed the input checks
 * @param leaked usable documents whose text is a training document's, {@code leakedExamples} up to
 *     five of them as file:row
 * @param documents usable documents after leakage; {@code tokens} their next-token predictions
 * @param sampledDocuments documents with at least one sampled window
 * @param windows the sampled windows with their domain groups
 */
public record HeldOutSet(
    long rows,
    long rejected,
    long leaked,
    List<String> leakedExamples,
    long documents,
    long tokens,
    long sampledDocuments,
    Evaluation.HeldOut windows) {

  /** The domain group of windows whose document has no domain, beside documents that have one. */
  public static final String NO_DOMAIN = "(none)";

  /**
   * What sampling needs: the model's context and vocabulary, the cap and the sample's seed; {@code
   * half} 0 or 1 keeps only the documents of that half of a seeded split by id (reweigh tune's
   * tuning and reporting halves), −1 every document.
   */
  public record Sampling(
      int context, int vocab, long maxTokens, long minTokens, long seed, int half)
      implements java.io.Serializable {
    public Sampling(int context, int vocab, long maxTokens, long minTokens, long seed) {
      this(context, vocab, maxTokens, minTokens, seed, -1);
    }

    /** The same sampling of one half of the split. */
    public Sampling half(int which) {
      return new Sampling(context, vocab, maxTokens, minTokens, seed, which);
    }
  }

  /** The half of the split a held-out document id falls in (seeded, stable across runs). */
  public static int halfOf(long seed, String id) {
    return (int) (Hash64.seeded(seed, "split\u0000" + id) & 1);
  }

  /** One sampled window on its way to the driver. */
  record Picked(long order, String key, String domain, int[] ids) implements java.io.Serializable {}

  public static HeldOutSet read(
      SparkSession spark,
      ResolvedConfig cfg,
      String evalPath,
      Dataset<Row> training,
      Tokenizer tokenizer,
      Sampling s) {
    // read like the run's input (id and text columns, length limit, UTF-8 checks); the format
    // is decided by the file names, so held-out JSONL can score a run on Parquet
    ResolvedConfig ecfg = cfg.with("input.format", "auto");
    InputPlan plan;
    try {
      plan = InputPlanner.plan(evalPath, ecfg, spark.sparkContext().hadoopConfiguration());
    } catch (ReweighException e) {
      throw PipelineErrors.evaluationInput(
          evalPath, "it cannot be read as held-out documents: " + e.getMessage());
    }
    Ingest.Classified c = Ingest.classified(spark, plan, Ingest.plan(ecfg));
    Dataset<Row> rows = c.rows().cache();
    try {
      Dataset<Row> docs =
          rows.filter(col(Ingest.KIND).equalTo(Ingest.KIND_DOC))
              .select(
                  col(Columns.ID).cast("string").as("eid"),
                  col(Columns.TEXT).as("etext"),
                  functions.xxhash64(col(Columns.TEXT)).as("eh"),
                  col(Columns.N_TOKENS).cast("long").as("en"),
                  col(Columns.DOMAIN).cast("string").as("edomain"),
                  col(Columns.SOURCE_FILE).as("efile"),
                  col(Columns.SOURCE_ROW).cast("long").as("erow"));
      long usable = docs.count();
      Leaks leaks = leaks(training, docs);
      long leakedCount = leaks.count();
      Dataset<Row> clean =
          docs.join(
              leaks.rows().select(col("efile").as("lfile"), col("erow").as("lrow")),
              col("efile").equalTo(col("lfile")).and(col("erow").equalTo(col("lrow"))),
              "left_anti");
      if (s.half() >= 0) {
        long seed = s.seed();
        int half = s.half();
        clean =
            clean.filter(
                (org.apache.spark.api.java.function.FilterFunction<Row>)
                    r -> halfOf(seed, r.getString(r.fieldIndex("eid"))) == half);
      }
      Row total = clean.agg(functions.sum(col("en")), functions.count(lit(1))).first();
      long tokens = total.isNullAt(0) ? 0 : total.getLong(0);
      long documents = total.getLong(1);
      long rejected = c.inputRows() - usable;
      if (Math.min(tokens, s.maxTokens()) < s.minTokens()) {
        throw PipelineErrors.evaluationInput(
            evalPath,
            String.format(
                Locale.ROOT,
                "it holds %,d held-out tokens (%,d usable documents of %,d rows; %,d rejected by the"
                    + " run's input checks, %,d leaked from the training input and excluded),"
                    + " fewer than evaluate.min-eval-tokens = %,d",
                tokens,
                documents,
                c.inputRows(),
                rejected,
                leakedCount,
                s.minTokens()));
      }
      List<Picked> kept = sample(clean, s, tokens, tokenizer);
      return new HeldOutSet(
          c.inputRows(),
          rejected,
          leakedCount,
          leaks.examples(),
          documents,
          tokens,
          kept.stream().map(Picked::key).distinct().count(),
          grouped(kept));
    } finally {
      rows.unpersist();
    }
  }

  /** Held-out documents whose exact text is a training document's, as (efile, erow) rows. */
  private record Leaks(Dataset<Row> rows, long count, List<String> examples) {}

  private static Leaks leaks(Dataset<Row> training, Dataset<Row> docs) {
    Dataset<Row> leakedRows =
        training
            .select(functions.xxhash64(col(Columns.TEXT)).as("th"), col(Columns.TEXT).as("tt"))
            .join(
                broadcast(docs.select("eh", "etext", "efile", "erow")),
                col("th").equalTo(col("eh")).and(col("tt").equalTo(col("etext"))),
                "inner")
            .select("efile", "erow")
            .distinct();
    List<String> leakedExamples = new ArrayList<>();
    long leakedCount = 0;
    for (Row r : leakedRows.orderBy("efile", "erow").collectAsList()) {
      leakedCount++;
      if (leakedExamples.size() < 5) {
        leakedExamples.add(fileName(r.getString(0)) + ":" + r.getLong(1));
      }
    }
    return new Leaks(leakedRows, leakedCount, leakedExamples);
  }

  /**
   * The seeded window sample: every window kept with probability p (a seeded hash of document and
   * window), a margin above the cap; the driver keeps the lowest hashes up to the cap.
   */
  private static List<Picked> sample(
      Dataset<Row> clean, Sampling s, long tokens, Tokenizer tokenizer) {
    double p = tokens <= s.maxTokens() ? 1.0 : Math.min(1.0, 1.25 * s.maxTokens() / tokens + 1e-3);
    // (order, key, domain, ids) tuples: Kryo serializes Scala tuples, not Java records
    List<Picked> picked = new ArrayList<>();
    for (Tuple4<Long, String, String, int[]> t :
        clean
            .select("eid", "etext", "en", "edomain")
            .javaRDD()
            .flatMap(windowsOf(s, p, tokenizer))
            .collect()) {
      picked.add(new Picked(t._1(), t._2(), t._3(), t._4()));
    }
    picked.sort(Comparator.comparingLong(Picked::order).thenComparing(Picked::key));
    List<Picked> kept = new ArrayList<>();
    long targets = 0;
    for (Picked w : picked) {
      int t = w.ids().length - 1;
      if (!kept.isEmpty() && targets + t > s.maxTokens()) {
        break;
      }
      kept.add(w);
      targets += t;
    }
    return kept;
  }

  /** As the summaries record it, {@code sampleSeed} the sample's seed. */
  public EvaluationSummary.HeldOut summary(long sampleSeed) {
    return new EvaluationSummary.HeldOut(
        rows,
        rejected,
        leaked,
        leakedExamples,
        documents,
        tokens,
        sampledDocuments,
        windows.windows().size(),
        windows.targets(),
        sampleSeed,
        windows.groupNames());
  }

  /** The kept windows in sample order, grouped by domain when any document has one. */
  static Evaluation.HeldOut grouped(List<Picked> kept) {
    TreeSet<String> names = new TreeSet<>();
    boolean any = false;
    for (Picked w : kept) {
      names.add(w.domain() == null ? NO_DOMAIN : w.domain());
      any |= w.domain() != null;
    }
    List<String> groupNames = any ? List.copyOf(names) : List.of();
    List<int[]> windows = new ArrayList<>(kept.size());
    int[] groups = new int[kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      Picked w = kept.get(i);
      windows.add(w.ids());
      groups[i] = any ? groupNames.indexOf(w.domain() == null ? NO_DOMAIN : w.domain()) : 0;
    }
    return new Evaluation.HeldOut(windows, groups, groupNames);
  }

  /** A held-out document's windows kept with probability p; tokenized only when one is kept. */
  static FlatMapFunction<Row, Tuple4<Long, String, String, int[]>> windowsOf(
      Sampling s, double p, Tokenizer tokenizer) {
    return r -> {
      String key = r.getString(0);
      long n = r.getLong(2);
      String domain = r.isNullAt(3) ? null : r.getString(3);
      long doc = Hash64.seeded(s.seed(), "held-out\u0000" + key);
      int count = Windows.windowCount(n, s.context());
      List<long[]> keep = new ArrayList<>();
      for (int j = 0; j < count; j++) {
        long h = Hash64.combine(doc, j);
        if (CommonDraws.uniform(h) < p) {
          keep.add(new long[] {j, h});
        }
      }
      if (keep.isEmpty()) {
        return java.util.Collections.emptyIterator();
      }
      int[] seq = Evaluation.encode(tokenizer, r.getString(1), s.vocab());
      if (seq.length != n + 1) {
        throw new IllegalStateException(
            "held-out document " + key + " has " + (seq.length - 1) + " tokens, n_tokens " + n);
      }
      List<Tuple4<Long, String, String, int[]>> out = new ArrayList<>(keep.size());
      for (long[] k : keep) {
        out.add(new Tuple4<>(k[1], key, domain, Windows.window(seq, (int) k[0], s.context())));
      }
      return out.iterator();
    };
  }

  private static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
