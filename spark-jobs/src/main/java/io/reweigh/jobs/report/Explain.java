package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.WeightFormula;
import io.reweigh.sampler.WeightStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code reweigh explain OUT --id ID}: why a document got its weight, from a finished output. Its
 * input position, domain and tokens; every signal's scores and weights with the exponent; how the
 * final weight was formed (product, clip, normalisation, domain factor); its rank and percentile
 * among the shard set's documents and the shard file(s) holding it; or the reason it was rejected,
 * dropped by a signal or drew no copy when resampling.
 */
public final class Explain {
  private Explain() {}

  public static String explain(SparkSession spark, OutputDir out, String id) {
    Manifest manifest = Report.readManifest(out);
    StringBuilder s = new StringBuilder();
    s.append("document ").append(quote(id)).append(" in ").append(out.root()).append('\n');
    Dataset<Row> ingest = spark.read().parquet(out.path(Columns.STAGES_DIR + "/ingest"));
    List<Row> docs =
        ingest
            .filter(col(Columns.ID).cast("string").equalTo(id))
            .select(
                col(Columns.SOURCE_FILE).cast("string"),
                col(Columns.SOURCE_ROW).cast("long"),
                domainColumn(ingest),
                col(Columns.N_TOKENS).cast("long"))
            .collectAsList();
    List<Row> rejects = rejects(spark, out, id);
    rejectLines(s, rejects, docs.isEmpty());
    if (docs.isEmpty()) {
      if (rejects.isEmpty()) {
        throw PipelineErrors.usage(
            "No document with id " + quote(id) + " in " + out.root() + ".",
            "Pass an id as it appears in the input's id column (reweigh explain OUT --id ID); "
                + "rows without an id are in rejects/ with their file and row.");
      }
      line(s, "status", "not scored: every input row with this id was rejected (see above)");
      return s.toString();
    }
    Row doc = docs.get(0);
    line(
        s,
        "input",
        String.format(
            Locale.ROOT,
            "%s:%d, domain %s, %,d tokens",
            fileName(doc.getString(0)),
            doc.getLong(1),
            doc.isNullAt(2) ? "(none)" : doc.getString(2),
            doc.getLong(3)));
    Map<String, Double> values = signalLines(s, spark, out, manifest, id);
    for (ShardSets.SetResult set : manifest.shardSets()) {
      shardSet(s, spark, out, manifest, set, id, doc.isNullAt(2) ? null : doc.getString(2), values);
    }
    return s.toString();
  }

  /** One line per rejects/ row with the id: rejected, dropped by a signal, or another row. */
  private static void rejectLines(StringBuilder s, List<Row> rejects, boolean noDocument) {
    for (Row r : rejects) {
      String where = r.isNullAt(1) ? "" : " (" + fileName(r.getString(1)) + ":" + r.get(2) + ")";
      String label =
          r.getString(3).startsWith(Columns.DROP_FILE_PREFIX)
              ? "dropped"
              : noDocument ? "rejected" : "other row";
      line(
          s,
          label,
          (label.equals("other row") ? "another input row with this id was rejected: " : "")
              + r.getString(0)
              + where);
    }
  }

  /**
   * One line per signal: the document's scores → weights and the exponent; returns every value by
   * column (null when the table has no value).
   */
  private static Map<String, Double> signalLines(
      StringBuilder s, SparkSession spark, OutputDir out, Manifest manifest, String id) {
    Map<String, Double> values = new HashMap<>();
    for (ScoreTable sc : Report.scored(spark, out, manifest)) {
      List<String> cols = new ArrayList<>(sc.scores());
      cols.addAll(sc.weights());
      List<Row> got =
          sc.table()
              .filter(col(Columns.ID).cast("string").equalTo(id))
              .select(cols.stream().map(c -> col(c).cast("double")).toArray(Column[]::new))
              .collectAsList();
      String name = sc.signal().name();
      Object alpha = manifest.config().get(alphaKey(name));
      if (got.isEmpty()) {
        line(s, name, "no score (not in stages/" + name + ")");
        continue;
      }
      StringBuilder v = new StringBuilder();
      for (int i = 0; i < cols.size(); i++) {
        if (i == sc.scores().size()) {
          v.append(" →");
        }
        v.append(' ').append(cols.get(i)).append(' ').append(num(got.get(0), i));
        values.put(cols.get(i), got.get(0).isNullAt(i) ? null : got.get(0).getDouble(i));
      }
      v.append(" (alpha ").append(alpha).append(')');
      line(s, name, v.toString().trim());
      labelLine(s, sc, name, id);
    }
    return values;
  }

  /**
   * The score table's text columns besides the id (the neardup signal's cluster_id: the smallest id
   * of the document's near-duplicate cluster), on a line of their own.
   */
  private static void labelLine(StringBuilder s, ScoreTable sc, String name, String id) {
    List<String> text = new ArrayList<>();
    for (var f : sc.table().schema().fields()) {
      if (f.dataType().equals(org.apache.spark.sql.types.DataTypes.StringType)
          && !f.name().equals(Columns.ID)) {
        text.add(f.name());
      }
    }
    if (text.isEmpty()) {
      return;
    }
    Row r =
        sc.table()
            .filter(col(Columns.ID).cast("string").equalTo(id))
            .select(text.stream().map(c -> col(c)).toArray(Column[]::new))
            .first();
    StringBuilder v = new StringBuilder();
    for (int i = 0; i < text.size(); i++) {
      v.append(i == 0 ? "" : " ")
          .append(text.get(i))
          .append(' ')
          .append(r.isNullAt(i) ? "–" : r.getString(i));
    }
    line(s, name, v.toString());
  }

  private static void shardSet(
      StringBuilder s,
      SparkSession spark,
      OutputDir out,
      Manifest manifest,
      ShardSets.SetResult set,
      String id,
      String domain,
      Map<String, Double> values) {
    String label = set.dir();
    Dataset<Row> shards = spark.read().parquet(out.path(set.dir()));
    List<Row> rows =
        shards
            .filter(col(Columns.ID).cast("string").equalTo(id))
            .select(col(Columns.WEIGHT), functions.input_file_name())
            .collectAsList();
    if (rows.isEmpty()) {
      line(s, label, notInShards(spark, out, set, id));
      return;
    }
    double w = rows.get(0).getDouble(0);
    line(s, label, rankLine(shards, w));
    double factor = 1;
    for (DomainStats d : set.domains()) {
      if (java.util.Objects.equals(d.domain(), domain)) {
        factor = d.factor();
      }
    }
    line(s, "", how(manifest, set, values, w, factor));
    List<String> files = new ArrayList<>();
    for (Row r : rows) {
      String f = r.getString(1);
      String rel = f.substring(f.indexOf("/" + set.dir() + "/") + 1);
      files.add(rel);
    }
    line(
        s,
        "",
        (rows.size() == 1 ? "in " : rows.size() + " copies in ")
            + String.join(", ", files.stream().distinct().toList()));
  }

  /** Why a scored document is not in a shard set: dropped, no copy drawn, or neither known. */
  private static String notInShards(
      SparkSession spark, OutputDir out, ShardSets.SetResult set, String id) {
    return dropped(spark, out, id)
        ? "not in the shards: a signal dropped it to rejects/ (see above)"
        : set.targetTokens() != null
            ? "not in the shards: it drew no copy when resampling to "
                + set.targetTokens()
                + " tokens (counted in unsampled_rows)"
            : "not in the shards";
  }

  /** The final weight and its rank among the shard set's distinct documents. */
  private static String rankLine(Dataset<Row> shards, double w) {
    boolean copies = List.of(shards.columns()).contains(ShardSets.COPY);
    Dataset<Row> distinct = copies ? shards.filter(col(ShardSets.COPY).equalTo(0)) : shards;
    Row rank =
        distinct
            .agg(
                functions.count(functions.lit(1)),
                functions.count(functions.when(col(Columns.WEIGHT).lt(w), functions.lit(1))),
                functions.count(functions.when(col(Columns.WEIGHT).equalTo(w), functions.lit(1))))
            .first();
    long n = rank.getLong(0);
    long below = rank.getLong(1);
    long same = rank.getLong(2);
    return String.format(
        Locale.ROOT,
        "final weight %s; rank %,d of %,d from the lowest (%.1f%% of documents weigh less%s)",
        num(w),
        below + 1,
        n,
        n == 0 ? 0 : 100.0 * below / n,
        same > 1 ? String.format(Locale.ROOT, ", %,d share this weight", same) : "");
  }

  /**
   * How the final weight {@code w} was formed, replayed with the sampler's {@link WeightFormula}: Π
   * w^α, clipped around the median, ÷ mean, × domain factor.
   */
  private static String how(
      Manifest manifest,
      ShardSets.SetResult set,
      Map<String, Double> values,
      double w,
      double factor) {
    List<WeightFormula.Term> terms = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    StringBuilder how = new StringBuilder();
    for (Map.Entry<String, String> e : set.weightColumns().entrySet()) {
      Object a = manifest.config().get(alphaKey(e.getKey()));
      double alpha = a instanceof Number x ? x.doubleValue() : 1;
      terms.add(new WeightFormula.Term(e.getValue(), alpha));
      Double v = values.get(e.getValue());
      weights.add(v == null ? Double.NaN : v);
      how.append(how.length() == 0 ? "" : " × ")
          .append(e.getValue())
          .append(alpha == 1 ? "" : "^" + num(alpha));
    }
    double product = WeightFormula.product(terms, weights);
    if (how.length() == 0) {
      how.append("no signal: every weight starts at 1");
    } else {
      how.append(" = ").append(num(product));
    }
    WeightStats ws = set.weight();
    double clipped = product;
    if (ws.clipped()) {
      clipped = WeightFormula.clip(product, ws.clipLow(), ws.clipHigh());
      how.append(
          String.format(
              Locale.ROOT,
              "; clip to [%s, %s] (sampler.max-weight-ratio around the median %s)%s",
              num(ws.clipLow()),
              num(ws.clipHigh()),
              num(ws.median() == null ? Double.NaN : ws.median()),
              clipped == product ? ": unchanged" : " → " + num(clipped)));
    }
    how.append(String.format(Locale.ROOT, "; ÷ %s (mean 1)", num(clipped * factor / w)));
    if (factor != 1) {
      how.append(String.format(Locale.ROOT, "; × domain factor %s", num(factor)));
    }
    return how.toString();
  }

  private static String alphaKey(String signal) {
    return "sampler.alpha." + signal;
  }

  /** Whether a signal dropped the document (a rejects/drop-* row with its id). */
  private static boolean dropped(SparkSession spark, OutputDir out, String id) {
    for (Row r : rejects(spark, out, id)) {
      if (r.getString(3).startsWith(Columns.DROP_FILE_PREFIX)) {
        return true;
      }
    }
    return false;
  }

  private static List<Row> rejects(SparkSession spark, OutputDir out, String id) {
    Path dir = out.resolve(Columns.REJECTS_DIR);
    if (!out.exists(dir)) {
      return List.of();
    }
    Dataset<Row> r = spark.read().option("mergeSchema", "true").parquet(dir.toString());
    List<String> cols = List.of(r.columns());
    if (!cols.contains(Columns.ID)) {
      return List.of();
    }
    return r.filter(col(Columns.ID).cast("string").equalTo(id))
        .select(
            (cols.contains(Columns.REJECT_DETAIL)
                    ? functions.concat_ws(
                        " ",
                        col(Columns.REJECT_REASON),
                        functions.concat(
                            functions.lit("("), col(Columns.REJECT_DETAIL), functions.lit(")")))
                    : col(Columns.REJECT_REASON))
                .as(Columns.REJECT_REASON),
            (cols.contains(Columns.SOURCE_FILE)
                    ? col(Columns.SOURCE_FILE).cast("string")
                    : functions.lit(null).cast("string"))
                .as("file"),
            (cols.contains(Columns.SOURCE_ROW)
                    ? col(Columns.SOURCE_ROW).cast("long")
                    : functions.lit(null).cast("long"))
                .as("row"),
            functions.regexp_extract(functions.input_file_name(), "[^/]*$", 0).as("reject_file"))
        .orderBy(col("file"), col("row"))
        .collectAsList();
  }

  private static Column domainColumn(Dataset<Row> t) {
    return List.of(t.columns()).contains(Columns.DOMAIN)
        ? col(Columns.DOMAIN).cast("string")
        : functions.lit(null).cast("string");
  }

  private static void line(StringBuilder s, String label, String text) {
    s.append(String.format(Locale.ROOT, "  %-11s %s%n", label, text));
  }

  private static String num(Row r, int i) {
    return r.isNullAt(i) ? "null" : num(r.getDouble(i));
  }

  public static String num(double v) {
    return String.format(Locale.ROOT, "%.6g", v)
        .replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
        .replace(".e", "e")
        .replaceAll("\\.$", "");
  }

  private static String fileName(String f) {
    return f == null ? "?" : f.substring(f.lastIndexOf('/') + 1);
  }

  private static String quote(String id) {
    return "'" + id + "'";
  }
}
