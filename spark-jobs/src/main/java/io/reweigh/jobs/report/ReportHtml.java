package io.reweigh.jobs.report;

import io.reweigh.core.stage.StageStats;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.sampler.ShardSets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders report.html from {@link ReportData}, without Spark. One self-contained page: inline CSS
 * and SVG, no scripts (a Content-Security-Policy forbids them, so even a mistake in escaping could
 * not run document text), no network. Every value that comes from data is escaped with {@link
 * Html#esc}. Counts carry {@code data-key} attributes so tests compare them with the manifest.
 */
public final class ReportHtml {
  private ReportHtml() {}

  static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
          + " form-action 'none'";

  public static String render(ReportData d) {
    Manifest m = d.manifest();
    StringBuilder h = new StringBuilder(64 * 1024);
    head(h);
    header(h, m);
    rows(h, m.counts());
    weights(h, d.histograms());
    scatters(h, d.scatters());
    EvaluationHtml.section(h, m.evaluation(), d.curves());
    TuningHtml.section(h, m.tuning(), d.tuningCurves());
    DomainsHtml.section(h, m.shardSets(), d.labels());
    DocsHtml.section(h, d);
    RejectsHtml.section(h, m.counts(), d.rejectExamples());
    stages(h, m.stages(), d.stageOrder());
    shards(h, m.shards());
    config(h, m.config());
    return h.append("</body></html>\n").toString();
  }

  /** The page's head (CSP, inline style) up to the opening body tag. */
  private static void head(StringBuilder h) {
    h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(CSP)
        .append("\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>reweigh report</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:1.5em auto;max-width:1320px;")
        .append("padding:0 1em;color:#222}")
        .append("nav a{margin-right:1em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}")
        .append(".grid{display:flex;flex-wrap:wrap;gap:12px}")
        .append("svg.chart{background:#fafafa;border:1px solid #e3e3e3;max-width:100%;height:auto}")
        .append(".scroll{overflow-x:auto}table{border-collapse:collapse;margin:.5em 0 1em}")
        .append("td,th{border:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top}")
        .append("th{background:#f3f3f3}td.l,th.l{text-align:left}")
        .append("td.text{text-align:left;white-space:pre-wrap;word-break:break-word;")
        .append("max-width:none;font:12px ui-monospace,monospace;color:#444;background:#fcfcf6}")
        .append("p.note{color:#555;max-width:60em}</style></head><body>");
  }

  /** Title, the run's versions and input, and the section links. */
  private static void header(StringBuilder h, Manifest m) {
    h.append("<h1>reweigh report</h1><p>reweigh ")
        .append(Html.esc(m.version()))
        .append(" on Spark ")
        .append(Html.esc(m.sparkVersion()))
        .append(", sampler mode ")
        .append(Html.esc(m.mode()))
        .append(", ")
        .append(io.reweigh.jobs.stage.Progress.duration(m.seconds()))
        .append(". Input <code>")
        .append(Html.esc(m.input().path()))
        .append("</code> (")
        .append(Html.esc(m.input().format()))
        .append(", ")
        .append(m.input().files())
        .append(" files, ")
        .append(String.format(Locale.ROOT, "%,d", m.input().bytes()))
        .append(" bytes).</p>");
    h.append(
        "<nav><a href=\"#rows\">rows</a><a href=\"#weights\">weights</a><a href=\"#scatter\">"
            + "weight vs scores</a><a href=\"#evaluation\">training outcome</a>"
            + "<a href=\"#tuning\">tuning</a>"
            + "<a href=\"#domains\">domains</a><a href=\"#documents\">"
            + "documents</a><a href=\"#rejects\">rejects</a><a href=\"#stages\">stages</a>"
            + "<a href=\"#shards\">shards</a><a href=\"#config\">config</a></nav>");
  }

  /** Histograms of the final weight and of each signal's score and weights. */
  private static void weights(StringBuilder h, List<ReportData.Histogram> histograms) {
    h.append("<h2 id=\"weights\">Weights and scores</h2><p class=\"note\">")
        .append(
            "Final weight: the product of the signals' weights (each to its exponent"
                + " sampler.alpha.&lt;signal&gt;), clipped and normalised to mean 1, times the"
                + " domain factor. Histograms of the scores count every scored document; the"
                + " final weight counts the documents in the shards.</p><div class=\"grid\">");
    for (ReportData.Histogram hist : histograms) {
      h.append(Charts.histogram(hist.id(), hist.title(), hist.x(), hist.bins()));
    }
    h.append("</div>");
  }

  /** Final weight against each signal's headline score. */
  private static void scatters(StringBuilder h, List<ReportData.Scatter> scatters) {
    h.append("<h2 id=\"scatter\">Final weight against each score</h2>");
    if (scatters.isEmpty()) {
      h.append("<p>No signal with a score ran.</p>");
    } else {
      h.append("<p class=\"note\">A seeded sample of at most ")
          .append(ReportData.SCATTER_POINTS)
          .append(" documents.</p><div class=\"grid\">");
      for (ReportData.Scatter s : scatters) {
        h.append(Charts.scatter(s.id(), s.title(), s.x(), s.y(), s.xs(), s.ys()));
      }
      h.append("</div>");
    }
  }

  private static void rows(StringBuilder h, Manifest.Counts c) {
    Map<String, Object> rows = new LinkedHashMap<>();
    rows.put("input_rows", c.inputRows());
    rows.put("output_rows", c.outputRows());
    rows.put("unsampled_rows", c.unsampledRows());
    rows.put("rejected_rows", c.rejectedRows());
    rows.put("shard_rows", c.shardRows());
    rows.put("output_tokens", c.outputTokens());
    rows.put("accounting_ok", c.accountingOk());
    h.append("<h2 id=\"rows\">Rows</h2><p class=\"note\">input rows = output rows (distinct")
        .append(" documents in the shards) + unsampled rows + rejected rows.</p>")
        .append("<table id=\"counts\">");
    for (Map.Entry<String, Object> e : rows.entrySet()) {
      h.append("<tr data-key=\"")
          .append(e.getKey())
          .append("\"><td class=\"l\">")
          .append(e.getKey())
          .append("</td><td>")
          .append(Html.esc(e.getValue()))
          .append("</td></tr>");
    }
    h.append("</table>");
  }

  private static void stages(
      StringBuilder h, Map<String, StageStats> unordered, List<String> order) {
    h.append("<h2 id=\"stages\">Stages</h2>");
    Map<String, StageStats> stages = new LinkedHashMap<>();
    for (String s : order) {
      if (unordered.containsKey(s)) {
        stages.put(s, unordered.get(s));
      }
    }
    new TreeMap<>(unordered).forEach(stages::putIfAbsent);
    List<String> names = new ArrayList<>(stages.keySet());
    double[][] secs = new double[1][names.size()];
    for (int i = 0; i < names.size(); i++) {
      secs[0][i] = stages.get(names.get(i)).seconds();
    }
    h.append(
        Charts.bars(
            "stage-timings",
            "Wall time per stage (a reused stage shows the run that computed it)",
            "seconds",
            names,
            List.of("seconds"),
            secs));
    h.append("<table id=\"stages-table\"><tr><th class=\"l\">stage</th><th>rows</th>")
        .append("<th>seconds</th><th class=\"l\">details</th></tr>");
    for (Map.Entry<String, StageStats> e : stages.entrySet()) {
      String json;
      try {
        // the details' JSON form (nulls left out) through a plain map, so nested records print
        // sorted like manifest.json read back from disk
        Object plain =
            OutputDir.JSON.readValue(
                OutputDir.JSON.writeValueAsString(e.getValue().detailsJson()), Map.class);
        json = OutputDir.JSON.writeValueAsString(plain);
      } catch (java.io.IOException ex) {
        // details are records or JSON values read from manifest.json: not writable is a bug here
        throw new java.io.UncheckedIOException(
            "stage " + e.getKey() + ": details do not serialise as JSON", ex);
      }
      h.append("<tr data-key=\"")
          .append(Html.esc(e.getKey()))
          .append("\"><td class=\"l\">")
          .append(Html.esc(e.getKey()))
          .append("</td><td>")
          .append(e.getValue().rows())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.1f", e.getValue().seconds()))
          .append("</td><td class=\"l\"><details><summary>details</summary><pre>")
          .append(Html.esc(json))
          .append("</pre></details></td></tr>");
    }
    h.append("</table>");
  }

  private static void shards(StringBuilder h, List<ShardSets.ShardInfo> shards) {
    h.append("<h2 id=\"shards\">Shards</h2><div class=\"scroll\"><table id=\"shards-table\">")
        .append("<tr><th class=\"l\">path</th><th>rows</th><th>tokens</th><th>weight sum</th>")
        .append("<th class=\"l\">sha256</th></tr>");
    for (ShardSets.ShardInfo s : shards) {
      h.append("<tr><td class=\"l\">")
          .append(Html.esc(s.path()))
          .append("</td><td>")
          .append(s.rows())
          .append("</td><td>")
          .append(s.tokens())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.3f", s.weightSum()))
          .append("</td><td class=\"l\"><code>")
          .append(Html.esc(s.sha256()))
          .append("</code></td></tr>");
    }
    h.append("</table></div>");
  }

  private static void config(StringBuilder h, Map<String, Object> config) {
    h.append("<h2 id=\"config\">Resolved config</h2><table id=\"config-table\">")
        .append("<tr><th class=\"l\">key</th><th class=\"l\">value</th></tr>");
    for (Map.Entry<String, Object> e : new TreeMap<>(config).entrySet()) {
      h.append("<tr data-key=\"")
          .append(Html.esc(e.getKey()))
          .append("\"><td class=\"l\">")
          .append(Html.esc(e.getKey()))
          .append("</td><td class=\"l\"><code>")
          .append(Html.esc(e.getValue()))
          .append("</code></td></tr>");
    }
    h.append("</table>");
  }
}
