package io.reweigh.jobs;

import io.reweigh.core.Columns;
import io.reweigh.core.error.InputErrors;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.stage.StageStats;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.RejectReason;
import io.reweigh.jobs.manifest.IngestDetails;
import io.reweigh.jobs.stage.OutputDir;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The ingest stage body (docs/architecture.md, "Data flow of a run"): classify every input row,
 * write docs (data/) and rejects/, count them. It gets the ingest plan ({@link Ingest.Settings}),
 * resolved once by the pipeline, never the config.
 */
final class IngestStage {
  private IngestStage() {}

  /** Classifies every input row into {@code tmp}: data/ (usable docs) and rejects/. */
  static StageStats run(
      SparkSession spark, InputPlan plan, Ingest.Settings settings, Path tmp, OutputDir out) {
    Ingest.Classified c = Ingest.classified(spark, plan, settings);
    Path all = new Path(tmp, "all");
    // one pass without a shuffle; ids are checked on the written table (its id column only) and
    // the input is classified again with the duplicate-id window only when an id repeats
    writeIngest(c.withoutIdCheck(), all);
    // read back with the schema it was written with: no job to infer it from the footers
    StructType writtenSchema = writtenSchema(c.withoutIdCheck().schema());
    Dataset<Row> written = spark.read().schema(writtenSchema).parquet(all.toString());
    String idCheck = "one pass: no id repeats";
    // one action for every count and the id check: (kind, file, reason) → rows, tokens
    Ingest.WrittenCounts wc = Ingest.countWritten(written);
    if (wc.idsRepeat()) {
      out.delete(all);
      writeIngest(c.rows(), all);
      written = spark.read().schema(writtenSchema).parquet(all.toString());
      idCheck = "two passes: ids repeat, rows after the first of each id rejected";
      wc = Ingest.countWritten(written);
    }
    Tally t = Tally.of(wc.groups());
    Ingest.checkFiles(t.noTextByFile, plan, settings);
    Map<String, Long> byReason = sortedByCount(t.byReason);
    if (t.docs == 0) {
      throw InputErrors.noUsableRows(
          plan.userPath(), c.inputRows(), byReason, jsonArrayFile(out, plan, byReason));
    }
    commitLayout(spark, out, all, written, tmp);
    if (c.inputRows() != t.docs + t.rejected) {
      throw PipelineErrors.accountingBroken(c.inputRows(), t.docs, t.rejected);
    }
    IngestDetails details =
        new IngestDetails(
            c.inputRows(),
            t.docs,
            t.rejected,
            byReason,
            t.tokens,
            settings.tokenizer().describe(),
            idCheck,
            settings.replaceInvalidUtf8() ? t.replaced : null);
    return StageStats.of(t.docs, details);
  }

  /** The sums of {@link Ingest.WrittenCounts#groups}. */
  private static final class Tally {
    long docs;
    long rejected;
    long tokens;
    long replaced;
    final Map<String, Long> byReason = new LinkedHashMap<>();

    /** File → {rows, rows rejected for having no text field}. */
    final Map<String, long[]> noTextByFile = new java.util.TreeMap<>();

    static Tally of(List<Row> groups) {
      Tally t = new Tally();
      for (Row r : groups) {
        long n = r.getLong(3);
        long[] fileCounts = t.noTextByFile.computeIfAbsent(r.getString(1), k -> new long[2]);
        fileCounts[0] += n;
        if (r.getString(0).equals(Ingest.KIND_DOC)) {
          t.docs += n;
          t.tokens += r.isNullAt(4) ? 0L : r.getLong(4);
          t.replaced += r.getLong(5);
        } else {
          t.rejected += n;
          t.byReason.merge(r.getString(2), n, Long::sum);
          if (RejectReason.NO_TEXT_FIELD.is(r.getString(2))) {
            fileCounts[1] += n;
          }
        }
      }
      return t;
    }
  }

  /** Moves the written table into the layout the runner commits: data/ and rejects/. */
  private static void commitLayout(
      SparkSession spark, OutputDir out, Path all, Dataset<Row> written, Path tmp) {
    Path docsDir = new Path(all, Ingest.KIND + "=" + Ingest.KIND_DOC);
    Path rejDir = new Path(all, Ingest.KIND + "=" + Ingest.KIND_REJECT);
    out.rename(
        out.exists(docsDir) ? docsDir : emptyLike(spark, written, new Path(tmp, "empty-docs")),
        new Path(tmp, "data"));
    out.rename(
        out.exists(rejDir) ? rejDir : emptyLike(spark, written, new Path(tmp, "empty-rejects")),
        new Path(tmp, Columns.REJECTS_DIR));
    out.delete(all);
  }

  /**
   * The first JSONL input file that starts with '[' (after white space), when lines were rejected
   * for not being JSON objects: a pretty-printed JSON array. Reads a few bytes of each file.
   */
  static String jsonArrayFile(OutputDir out, InputPlan plan, Map<String, Long> byReason) {
    if (!plan.format().equals(InputPlan.JSONL)
        || !(byReason.containsKey(RejectReason.INVALID_JSON.label())
            || byReason.containsKey(RejectReason.NOT_OBJECT.label()))) {
      return null;
    }
    for (String f : plan.files()) {
      Path p = new Path(f);
      try (var in = p.getFileSystem(out.fs().getConf()).open(p)) {
        int c;
        do {
          c = in.read();
        } while (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF || c == 0xBB
            || c == 0xBF);
        if (c == '[') {
          return f;
        }
      } catch (java.io.IOException e) {
        // a file that cannot be opened again is not the hint's concern
      }
    }
    return null;
  }

  /** The schema Spark reads a table written partitioned by kind with: kind moves last. */
  static StructType writtenSchema(StructType rows) {
    StructType out = new StructType();
    for (org.apache.spark.sql.types.StructField f : rows.fields()) {
      if (!f.name().equals(Ingest.KIND)) {
        out = out.add(f.name(), f.dataType(), true);
      }
    }
    return out.add(Ingest.KIND, org.apache.spark.sql.types.DataTypes.StringType, true);
  }

  /** SQL settings under which each ingest task writes docs and rejects side by side. */
  static final Map<String, String> SIDE_BY_SIDE =
      Map.of(
          "spark.sql.optimizer.plannedWrite.enabled", "false",
          "spark.sql.maxConcurrentOutputFileWriters", "2");

  /**
   * Writes the classified rows into kind=docs/ and kind=rejects/. A partitioned write sorts every
   * row of a task by the partition column first (137 MB of text on the benchmark corpus) unless
   * Spark may keep one open file per value; there are two values, so each task writes both files
   * side by side, rows in input order (docs/benchmarks.md, "Fewer Spark jobs per run").
   */
  private static void writeIngest(Dataset<Row> rows, Path where) {
    withSqlConf(
        rows.sparkSession(),
        SIDE_BY_SIDE,
        () ->
            rows.write()
                .partitionBy(Ingest.KIND)
                .option("compression", "zstd")
                .parquet(where.toString()));
  }

  /** Runs {@code body} with the given SQL settings, restoring the previous values after. */
  static void withSqlConf(SparkSession spark, Map<String, String> settings, Runnable body) {
    Map<String, scala.Option<String>> before = new LinkedHashMap<>();
    settings.forEach(
        (k, v) -> {
          before.put(k, spark.conf().getOption(k));
          spark.conf().set(k, v);
        });
    try {
      body.run();
    } finally {
      before.forEach(
          (k, v) -> {
            if (v.isDefined()) {
              spark.conf().set(k, v.get());
            } else {
              spark.conf().unset(k);
            }
          });
    }
  }

  /** Reasons by count, most first, then by name (the order the manifest lists them in). */
  static Map<String, Long> sortedByCount(Map<String, Long> byReason) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    byReason.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** An empty Parquet table with the columns of {@code like} (minus kind). */
  private static Path emptyLike(SparkSession spark, Dataset<Row> like, Path where) {
    like.drop(Ingest.KIND).limit(0).write().parquet(where.toString());
    return where;
  }
}
