package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.jobs.Manifest;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.sampler.spark.ShardWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no network) with the run's
 * counts, rejects, stage statistics, the weight distribution, mean weight per domain and the
 * shards.
 */
public final class Report {
  private Report() {}

  static final int BINS = 40;

  public static void write(SparkSession spark, OutputDir out, Manifest manifest) {
    // the first shard set (shards/, or shards/phase-1 with sampler.phases)
    Dataset<Row> shards = spark.read().parquet(out.path(manifest.shardSets().get(0).dir()));
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>reweigh report</title>")
        .append("<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;")
        .append(
            "padding:3px 8px;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}")
        .append("h2{margin-top:1.5em}</style></head><body>");
    h.append("<h1>reweigh report</h1>");
    h.append("<p>version ").append(esc(manifest.version())).append(", input ");
    Manifest.Input input = manifest.input();
    h.append(esc(input.path()))
        .append(" (")
        .append(esc(input.format()))
        .append(", ")
        .append(input.files())
        .append(" files)</p>");
    Manifest.Counts counts = manifest.counts();
    h.append("<h2>Rows</h2><table>");
    Map<String, Object> rows = new LinkedHashMap<>();
    rows.put("input_rows", counts.inputRows());
    rows.put("output_rows", counts.outputRows());
    rows.put("unsampled_rows", counts.unsampledRows());
    rows.put("rejected_rows", counts.rejectedRows());
    rows.put("shard_rows", counts.shardRows());
    rows.put("output_tokens", counts.outputTokens());
    rows.put("accounting_ok", counts.accountingOk());
    for (Map.Entry<String, Object> e : rows.entrySet()) {
      h.append("<tr><td>")
          .append(e.getKey())
          .append("</td><td>")
          .append(esc(e.getValue()))
          .append("</td></tr>");
    }
    h.append("</table>");
    Map<String, Long> reasons = counts.rejectedByReason();
    if (!reasons.isEmpty()) {
      h.append("<h2>Rejected rows by reason</h2><table><tr><th>reason</th><th>rows</th></tr>");
      for (Map.Entry<String, Long> e : reasons.entrySet()) {
        h.append("<tr><td>")
            .append(esc(e.getKey()))
            .append("</td><td>")
            .append(esc(e.getValue()))
            .append("</td></tr>");
      }
      h.append(
          "</table><p>Details: rejects/ (Parquet, with source_file, source_row, reject_reason, raw).</p>");
    }
    h.append("<h2>Final weight distribution</h2>");
    h.append(histogram(shards, Columns.WEIGHT));
    for (String c : shards.columns()) {
      if (c.startsWith("weight_")) {
        h.append("<h3>").append(esc(c)).append("</h3>").append(histogram(shards, c));
      }
    }
    for (ShardWriter.SetResult set : manifest.shardSets()) {
      h.append(shardSetTable(set));
    }
    if (List.of(shards.columns()).contains("label")) {
      h.append("<h2>Mean weight by label</h2>").append(groupTable(shards, "label"));
    }
    h.append("<h2>Stages</h2><pre>");
    try {
      h.append(esc(OutputDir.JSON.writeValueAsString(manifest.stages())));
    } catch (Exception e) {
      h.append(esc(e.toString()));
    }
    h.append("</pre>");
    h.append(
        "<h2>Shards</h2><table><tr><th>path</th><th>rows</th><th>tokens</th><th>weight sum</th><th>sha256</th></tr>");
    for (ShardWriter.ShardInfo s : manifest.shards()) {
      h.append("<tr><td>")
          .append(esc(s.path()))
          .append("</td><td>")
          .append(s.rows())
          .append("</td><td>")
          .append(s.tokens())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.3f", s.weightSum()))
          .append("</td><td><code>")
          .append(esc(s.sha256()))
          .append("</code></td></tr>");
    }
    h.append("</table></body></html>\n");
    out.writeAtomically(out.resolve(Columns.REPORT), h.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A shard set's budget and per-domain totals before and after weighting (from the manifest). */
  static String shardSetTable(ShardWriter.SetResult set) {
    StringBuilder h = new StringBuilder("<h2>Shard set ").append(esc(set.dir())).append("</h2>");
    h.append("<p>")
        .append(set.numShards())
        .append(" shard(s) of ")
        .append(set.shardTarget())
        .append(' ')
        .append(esc(set.shardUnit()))
        .append(", ")
        .append(set.rows())
        .append(" rows, ")
        .append(set.documents())
        .append(" documents, ")
        .append(set.tokens())
        .append(" tokens");
    if (set.targetTokens() != null) {
      h.append(
          String.format(
              Locale.ROOT,
              "; resampled to %d target tokens with r = %.6f (%d documents drew no copy, %d copies"
                  + " share a shard with another copy of their document)",
              set.targetTokens(),
              set.ratio(),
              set.unsampledDocuments(),
              set.copiesInSameShard()));
    }
    h.append(".</p>");
    double docs = 0;
    double tokens = 0;
    double weight = 0;
    double wt = 0;
    double rows = 0;
    double shardTokens = 0;
    for (var d : set.domains()) {
      docs += d.documents();
      tokens += d.tokens();
      weight += d.weight();
      wt += d.weightedTokens();
      rows += d.rows() == null ? 0 : d.rows();
      shardTokens += d.shardTokens() == null ? 0 : d.shardTokens();
    }
    boolean resampled = set.targetTokens() != null;
    h.append(
        "<table><tr><th>domain</th><th>documents</th><th>tokens</th><th>share of documents</th>"
            + "<th>share of tokens</th><th>target</th><th>share of weight</th>"
            + "<th>share of weighted tokens</th>");
    if (resampled) {
      h.append("<th>rows (copies)</th><th>share of shard tokens</th>");
    }
    h.append("</tr>");
    for (var d : set.domains()) {
      h.append("<tr><td>")
          .append(esc(d.domain() == null ? "(none)" : d.domain()))
          .append("</td><td>")
          .append(d.documents())
          .append("</td><td>")
          .append(d.tokens())
          .append("</td><td>")
          .append(pct(d.documents(), docs))
          .append("</td><td>")
          .append(pct(d.tokens(), tokens))
          .append("</td><td>")
          .append(d.target() == null ? "–" : pct(d.target(), 1))
          .append("</td><td>")
          .append(pct(d.weight(), weight))
          .append("</td><td>")
          .append(pct(d.weightedTokens(), wt));
      if (resampled) {
        h.append("</td><td>")
            .append(d.rows())
            .append("</td><td>")
            .append(pct(d.shardTokens(), shardTokens));
      }
      h.append("</td></tr>");
    }
    return h.append("</table>").toString();
  }

  private static String pct(double part, double whole) {
    return whole == 0 ? "–" : String.format(Locale.ROOT, "%.2f%%", 100 * part / whole);
  }

  private static String groupTable(Dataset<Row> shards, String column) {
    StringBuilder h =
        new StringBuilder("<table><tr><th>")
            .append(esc(column))
            .append("</th><th>docs</th><th>mean weight</th></tr>");
    for (Row r :
        shards
            .groupBy(col(column))
            .agg(functions.count(functions.lit(1)), functions.avg(Columns.WEIGHT))
            .orderBy(col(column))
            .collectAsList()) {
      h.append("<tr><td>")
          .append(esc(r.isNullAt(0) ? "(none)" : r.get(0)))
          .append("</td><td>")
          .append(r.getLong(1))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.3f", r.getDouble(2)))
          .append("</td></tr>");
    }
    return h.append("</table>").toString();
  }

  /** SVG histogram of log10(column) in BINS bins. */
  static String histogram(Dataset<Row> shards, String column) {
    Dataset<Row> logs =
        shards.select(
            functions.log10(functions.greatest(col(column), functions.lit(1e-12))).as("l"));
    Row mm = logs.agg(functions.min("l"), functions.max("l")).first();
    if (mm.isNullAt(0)) {
      return "<p>(no rows)</p>";
    }
    double lo = mm.getDouble(0);
    double hi = mm.getDouble(1);
    double width = hi > lo ? (hi - lo) / BINS : 1;
    long[] bins = new long[BINS];
    for (Row r :
        logs.groupBy(
                functions
                    .least(
                        functions.floor(col("l").minus(lo).divide(width)), functions.lit(BINS - 1))
                    .cast("int")
                    .as("b"))
            .count()
            .collectAsList()) {
      bins[r.getInt(0)] = r.getLong(1);
    }
    long max = 1;
    for (long b : bins) {
      max = Math.max(max, b);
    }
    int w = 600;
    int ht = 160;
    List<String> rects = new ArrayList<>();
    for (int i = 0; i < BINS; i++) {
      double bh = (double) bins[i] / max * (ht - 20);
      rects.add(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a7bd0\"><title>%d docs</title></rect>",
              i * (double) w / BINS,
              ht - 20 - bh,
              (double) w / BINS - 1,
              bh,
              bins[i]));
    }
    return String.format(
        Locale.ROOT,
        "<svg width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">%s"
            + "<text x=\"0\" y=\"%d\" font-size=\"11\">%.3g</text>"
            + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.3g</text>"
            + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s (log scale)</text></svg>",
        w,
        ht,
        String.join("", rects),
        ht - 4,
        Math.pow(10, lo),
        w,
        ht - 4,
        Math.pow(10, hi),
        w / 2,
        ht - 4,
        esc(column));
  }

  static String esc(Object o) {
    return String.valueOf(o)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
