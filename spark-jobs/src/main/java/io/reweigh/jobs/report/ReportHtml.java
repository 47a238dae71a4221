package io.reweigh.jobs.report;

import io.reweigh.core.stage.StageStats;
import io.reweigh.jobs.Manifest;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.ShardSets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders report.html from {@link ReportData}, without Spark. One self-contained page: inline CSS
 * and SVG, no scripts (a Content-Security-Policy forbids them, so even a mistake in escaping could
 * not run document text), no network. Every value that comes from data is escaped with {@link
 * Report#esc}. Counts carry {@code data-key} attributes so tests compare them with the manifest.
 */
public final class ReportHtml {
  private ReportHtml() {}

  static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
          + " form-action 'none'";

  public static String render(ReportData d) {
    Manifest m = d.manifest();
    StringBuilder h = new StringBuilder(64 * 1024);
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
    h.append("<h1>reweigh report</h1><p>reweigh ")
        .append(Report.esc(m.version()))
        .append(" on Spark ")
        .append(Report.esc(m.sparkVersion()))
        .append(", sampler mode ")
        .append(Report.esc(m.mode()))
        .append(", ")
        .append(io.reweigh.jobs.stage.Progress.duration(m.seconds()))
        .append(". Input <code>")
        .append(Report.esc(m.input().path()))
        .append("</code> (")
        .append(Report.esc(m.input().format()))
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
    rows(h, m.counts());
    h.append("<h2 id=\"weights\">Weights and scores</h2><p class=\"note\">")
        .append(
            "Final weight: the product of the signals' weights (each to its exponent"
                + " sampler.alpha.&lt;signal&gt;), clipped and normalised to mean 1, times the"
                + " domain factor. Histograms of the scores count every scored document; the"
                + " final weight counts the documents in the shards.</p><div class=\"grid\">");
    for (ReportData.Histogram hist : d.histograms()) {
      h.append(Charts.histogram(hist.id(), hist.title(), hist.x(), hist.bins()));
    }
    h.append("</div>");
    h.append("<h2 id=\"scatter\">Final weight against each score</h2>");
    if (d.scatters().isEmpty()) {
      h.append("<p>No signal with a score ran.</p>");
    } else {
      h.append("<p class=\"note\">A seeded sample of at most ")
          .append(Report.SCATTER_POINTS)
          .append(" documents.</p><div class=\"grid\">");
      for (ReportData.Scatter s : d.scatters()) {
        h.append(Charts.scatter(s.id(), s.title(), s.x(), s.y(), s.xs(), s.ys()));
      }
      h.append("</div>");
    }
    evaluation(h, m.evaluation(), d.curves());
    TuningHtml.section(h, m.tuning(), d.tuningCurves());
    h.append("<h2 id=\"domains\">Domains before and after weighting</h2>");
    for (ShardSets.SetResult set : m.shardSets()) {
      h.append(domainChart(set)).append(Report.shardSetTable(set));
    }
    if (!d.labels().isEmpty()) {
      h.append("<h3>Mean weight by label</h3><table><tr><th class=\"l\">label</th>")
          .append("<th>documents</th><th>mean weight</th></tr>");
      for (ReportData.Group g : d.labels()) {
        h.append("<tr><td class=\"l\">")
            .append(Report.esc(g.name() == null ? "(none)" : Report.clip(g.name())))
            .append("</td><td>")
            .append(g.documents())
            .append("</td><td>")
            .append(String.format(Locale.ROOT, "%.3f", g.meanWeight()))
            .append("</td></tr>");
      }
      h.append("</table>");
    }
    h.append("<h2 id=\"documents\">Most down-weighted and most up-weighted documents</h2>");
    docs(
        h,
        "lowest",
        "The " + d.lowest().size() + " lowest final weights",
        d,
        d.lowest(),
        d.lowestTies());
    docs(
        h,
        "highest",
        "The " + d.highest().size() + " highest final weights",
        d,
        d.highest(),
        d.highestTies());
    rejects(h, m.counts(), d.rejectExamples());
    stages(h, m.stages(), d.stageOrder());
    shards(h, m.shards());
    config(h, m.config());
    return h.append("</body></html>\n").toString();
  }

  /** reweigh evaluate's result: a table per arm and held-out perplexity against steps. */
  static void evaluation(
      StringBuilder h,
      io.reweigh.jobs.evaluate.EvaluationSummary e,
      List<ReportData.Curve> curves) {
    h.append("<h2 id=\"evaluation\">Training outcome</h2>");
    if (e == null) {
      h.append(
          "<p class=\"note\">Not measured. <code>reweigh evaluate OUT --eval HELD_OUT</code>"
              + " trains the same small LM once per arm (uniform, weighted, …) with the same"
              + " token budget and adds held-out perplexity here (docs/evaluation.md).</p>");
      return;
    }
    if (e.heldOut() == null || e.seeds() == null) {
      h.append(
          "<p class=\"note\">This output was evaluated by an earlier version of reweigh, whose"
              + " single-seed summary this report does not show; rerun <code>reweigh evaluate"
              + "</code> for ratios with intervals (docs/evaluation.md).</p>");
      return;
    }
    io.reweigh.jobs.evaluate.EvaluationSummary.HeldOut held = e.heldOut();
    int seeds = e.seeds().size();
    h.append("<p class=\"note\">")
        .append(Report.esc(e.model()))
        .append(
            String.format(
                Locale.ROOT,
                ", trained from scratch once per arm and seed: %,d steps × %d windows × %d tokens"
                    + " = %,d tokens per run; seeds %s. Held out: ",
                e.steps(),
                e.batch(),
                e.context(),
                e.budgetTokens(),
                e.seeds().stream().map(String::valueOf).collect(Collectors.joining(", "))))
        .append("<code>")
        .append(Report.esc(e.eval()))
        .append("</code>")
        .append(
            String.format(
                Locale.ROOT,
                ", %,d documents, %,d tokens, of which %,d tokens in %,d windows of %,d documents"
                    + " were scored (a seeded sample across the whole set); %,d held-out documents"
                    + " also in the training input were left out",
                held.documents(),
                held.tokens(),
                held.sampledTokens(),
                held.sampledWindows(),
                held.sampledDocuments(),
                held.leakedDocuments()))
        .append(
            held.leakedExamples().isEmpty()
                ? ""
                : " (" + Report.esc(String.join(", ", held.leakedExamples())) + ")")
        .append(". Ratios are per seed, then their mean and 95% interval across seeds; a ratio")
        .append(" whose interval holds 1 is no measurable difference. Steps to uniform's")
        .append(" perplexity: the step at which an arm's held-out loss first reached the uniform")
        .append(" arm's final loss (interpolated between measurements).</p>")
        .append("<table id=\"evaluation-table\"><tr><th class=\"l\">arm</th>")
        .append("<th class=\"l\">drawn from</th><th>documents</th>")
        .append("<th>final perplexity</th><th>× uniform [95%]</th><th class=\"l\">verdict</th>")
        .append("<th>steps to uniform's perplexity × uniform [95%]</th></tr>");
    for (io.reweigh.jobs.evaluate.EvaluationSummary.Arm a : e.arms()) {
      h.append("<tr data-arm=\"")
          .append(Report.esc(a.name()))
          .append("\" data-verdict=\"")
          .append(Report.esc(a.perplexityRatio().verdict()))
          .append("\"><td class=\"l\">")
          .append(Report.esc(a.name()))
          .append("</td><td class=\"l\">")
          .append(Report.esc(a.drawnFrom()))
          .append(
              String.format(
                  Locale.ROOT,
                  "</td><td>%,d</td><td>%.3f</td><td>%s</td><td class=\"l\">%s</td>"
                      + "<td>%s</td></tr>",
                  a.documents(),
                  a.finalPerplexity(),
                  Report.esc(io.reweigh.jobs.evaluate.EvaluationTable.ratio(a.perplexityRatio())),
                  Report.esc(a.perplexityRatio().verdict()),
                  Report.esc(io.reweigh.jobs.evaluate.EvaluationTable.steps(a, seeds))));
    }
    h.append("</table>");
    if (!held.domains().isEmpty()) {
      h.append("<table id=\"evaluation-domains\"><tr><th class=\"l\">held-out domain</th>");
      for (io.reweigh.jobs.evaluate.EvaluationSummary.Arm a : e.arms()) {
        h.append("<th>").append(Report.esc(a.name())).append("</th>");
      }
      h.append("</tr>");
      for (int g = 0; g < held.domains().size(); g++) {
        h.append("<tr><td class=\"l\">")
            .append(Report.esc(Report.clip(held.domains().get(g))))
            .append("</td>");
        for (io.reweigh.jobs.evaluate.EvaluationSummary.Arm a : e.arms()) {
          io.reweigh.jobs.evaluate.EvaluationSummary.Domain d = a.domains().get(g);
          h.append(String.format(Locale.ROOT, "<td>%.2f", d.perplexity()));
          if (!d.ratio().verdict().equals("baseline")) {
            h.append(" (× ")
                .append(Report.esc(io.reweigh.jobs.evaluate.EvaluationTable.ratio(d.ratio())))
                .append(", ")
                .append(Report.esc(d.ratio().verdict()))
                .append(')');
          }
          h.append("</td>");
        }
        h.append("</tr>");
      }
      h.append("</table>");
    }
    if (curves.isEmpty()) {
      h.append("<p>evaluation/curves.csv is missing.</p>");
      return;
    }
    // the first fifth of training (untrained model, warm-up: perplexity near the vocabulary size)
    // would flatten the part where arms differ: the chart starts after it, the CSV has every point
    double from = e.steps() / 5.0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    List<String> names = new ArrayList<>();
    List<double[]> xs = new ArrayList<>();
    List<double[]> ys = new ArrayList<>();
    for (ReportData.Curve c : curves) {
      List<double[]> kept = new ArrayList<>();
      for (int i = 0; i < c.steps().length; i++) {
        if (c.steps()[i] >= from) {
          kept.add(new double[] {c.steps()[i], c.perplexity()[i]});
          lo = Math.min(lo, c.perplexity()[i]);
          hi = Math.max(hi, c.perplexity()[i]);
        }
      }
      names.add(c.arm());
      xs.add(kept.stream().mapToDouble(p -> p[0]).toArray());
      ys.add(kept.stream().mapToDouble(p -> p[1]).toArray());
    }
    boolean log = hi / lo > 3;
    if (log) {
      for (double[] y : ys) {
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.log10(y[i]);
        }
      }
      lo = Math.log10(lo);
      hi = Math.log10(hi);
    }
    double pad = (hi - lo) * 0.05;
    h.append(
            Charts.lines(
                "evaluation-curves",
                "Held-out perplexity per arm",
                new Charts.Axis("training step", Math.floor(from), e.steps(), false),
                new Charts.Axis("held-out perplexity", lo - pad, hi + pad, log),
                names,
                xs,
                ys))
        .append("<p class=\"note\">From step ")
        .append((int) Math.ceil(from))
        .append(" (the untrained model and warm-up are in evaluation/curves.csv).</p>");
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
          .append(Report.esc(e.getValue()))
          .append("</td></tr>");
    }
    h.append("</table>");
  }

  /** Shares of documents and tokens (before) and of weight and weighted tokens (after). */
  static String domainChart(ShardSets.SetResult set) {
    List<DomainStats> ds = set.domains();
    List<String> labels = new ArrayList<>();
    List<String> series =
        new ArrayList<>(
            List.of("% of documents", "% of tokens", "% of weight", "% of weighted tokens"));
    boolean resampled = set.targetTokens() != null;
    if (resampled) {
      series.add("% of shard tokens");
    }
    double[] totals = new double[series.size()];
    for (DomainStats s : ds) {
      labels.add(s.domain() == null ? "(none)" : Report.clip(s.domain()));
      double[] v = domainValues(s);
      for (int k = 0; k < totals.length; k++) {
        totals[k] += v[k];
      }
    }
    double[][] values = new double[series.size()][ds.size()];
    for (int i = 0; i < ds.size(); i++) {
      double[] v = domainValues(ds.get(i));
      for (int k = 0; k < series.size(); k++) {
        values[k][i] = totals[k] == 0 ? 0 : 100 * v[k] / totals[k];
      }
    }
    return Charts.bars(
        "domains-" + set.name(),
        "Share per domain, " + set.dir() + " (before: documents, tokens; after: weight)",
        "percent",
        labels,
        series,
        values);
  }

  private static double[] domainValues(DomainStats s) {
    return new double[] {
      s.documents(),
      s.tokens(),
      s.weight(),
      s.weightedTokens(),
      s.shardTokens() == null ? 0 : s.shardTokens()
    };
  }

  private static void docs(
      StringBuilder h,
      String id,
      String title,
      ReportData d,
      List<ReportData.Doc> docs,
      long ties) {
    h.append("<h3>").append(Report.esc(title)).append("</h3>");
    if (docs.isEmpty()) {
      h.append("<p>(no documents in the shards)</p>");
      return;
    }
    if (ties > 1) {
      h.append(
          String.format(
              Locale.ROOT,
              "<p class=\"note\" id=\"ties-%s\">%,d documents share the weight %.4g; those"
                  + " shown are the first by id (segmented weighting gives whole quantile"
                  + " segments one weight).</p>",
              id,
              ties,
              docs.get(0).weight()));
    }
    h.append("<p class=\"note\">Scores and weights per signal; below each row the document's")
        .append(" first ")
        .append(Report.SNIPPET_CHARS)
        .append(" characters.</p><div class=\"scroll\"><table id=\"docs-")
        .append(id)
        .append("\"><tr><th class=\"l\">id</th><th class=\"l\">domain</th><th>tokens</th>")
        .append("<th>final weight</th>");
    for (String c : d.docColumns()) {
      h.append("<th>").append(Report.esc(c)).append("</th>");
    }
    h.append("</tr>");
    int span = 4 + d.docColumns().size();
    for (ReportData.Doc doc : docs) {
      h.append("<tr class=\"doc\"><td class=\"l\">")
          .append(Report.esc(Report.clip(String.valueOf(doc.id()))))
          .append("</td><td class=\"l\">")
          .append(Report.esc(doc.domain() == null ? "(none)" : Report.clip(doc.domain())))
          .append("</td><td>")
          .append(doc.tokens())
          .append("</td><td><b>")
          .append(String.format(Locale.ROOT, "%.4g", doc.weight()))
          .append("</b></td>");
      for (Double v : doc.values()) {
        h.append("<td>")
            .append(v == null ? "–" : String.format(Locale.ROOT, "%.4g", v))
            .append("</td>");
      }
      h.append("</tr><tr><td class=\"text\" colspan=\"")
          .append(span)
          .append("\">")
          .append(Report.esc(doc.snippet()))
          .append("</td></tr>");
    }
    h.append("</table></div>");
  }

  private static void rejects(
      StringBuilder h, Manifest.Counts c, List<ReportData.RejectExample> examples) {
    h.append("<h2 id=\"rejects\">Rejected rows</h2>");
    if (c.rejectedByReason().isEmpty()) {
      h.append("<p>No rows were rejected.</p>");
      return;
    }
    h.append("<p class=\"note\">Every rejected row is in rejects/ (Parquet with source_file,")
        .append(" source_row, reject_reason and the raw line). Up to ")
        .append(Report.REJECT_EXAMPLES)
        .append(" examples per reason.</p><div class=\"scroll\"><table id=\"rejects-table\">")
        .append("<tr><th class=\"l\">reason</th><th>rows</th><th class=\"l\">example (file:row,")
        .append(" id)</th><th class=\"l\">text or raw line (first ")
        .append(Report.SNIPPET_CHARS)
        .append(" characters)</th></tr>");
    // most rows first (the manifest on disk orders its maps by key, a run's counts by stage)
    List<Map.Entry<String, Long>> reasons = new ArrayList<>(c.rejectedByReason().entrySet());
    reasons.sort(
        Map.Entry.<String, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    for (Map.Entry<String, Long> e : reasons) {
      List<ReportData.RejectExample> ex =
          examples.stream().filter(x -> x.reason().equals(e.getKey())).toList();
      int span = Math.max(1, ex.size());
      h.append("<tr data-key=\"")
          .append(Report.esc(e.getKey()))
          .append("\"><td class=\"l\" rowspan=\"")
          .append(span)
          .append("\">")
          .append(Report.esc(e.getKey()))
          .append("</td><td rowspan=\"")
          .append(span)
          .append("\">")
          .append(e.getValue())
          .append("</td>");
      if (ex.isEmpty()) {
        h.append("<td class=\"l\">–</td><td class=\"text\"></td></tr>");
      }
      for (int i = 0; i < ex.size(); i++) {
        ReportData.RejectExample x = ex.get(i);
        if (i > 0) {
          h.append("<tr>");
        }
        h.append("<td class=\"l\">")
            .append(Report.esc(shortFile(x.sourceFile())))
            .append(x.sourceRow() == null ? "" : ":" + x.sourceRow())
            .append(x.id() == null ? "" : ", id " + Report.esc(x.id()))
            .append("</td><td class=\"text\">")
            .append(Report.esc(x.snippet() == null ? "" : x.snippet()))
            .append("</td></tr>");
      }
    }
    h.append("</table></div>");
  }

  private static String shortFile(String f) {
    if (f == null) {
      return "";
    }
    int slash = f.lastIndexOf('/');
    return slash < 0 ? f : f.substring(slash + 1);
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
        // through a plain map, so nested records print sorted like manifest.json on disk
        Object plain =
            OutputDir.JSON.readValue(
                OutputDir.JSON.writeValueAsString(e.getValue().details()), Map.class);
        json = OutputDir.JSON.writeValueAsString(plain);
      } catch (java.io.IOException ex) {
        // details are maps of JSON values read from manifest.json: not writable is a bug here
        throw new java.io.UncheckedIOException(
            "stage " + e.getKey() + ": details do not serialise as JSON", ex);
      }
      h.append("<tr data-key=\"")
          .append(Report.esc(e.getKey()))
          .append("\"><td class=\"l\">")
          .append(Report.esc(e.getKey()))
          .append("</td><td>")
          .append(e.getValue().rows())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.1f", e.getValue().seconds()))
          .append("</td><td class=\"l\"><details><summary>details</summary><pre>")
          .append(Report.esc(json))
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
          .append(Report.esc(s.path()))
          .append("</td><td>")
          .append(s.rows())
          .append("</td><td>")
          .append(s.tokens())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.3f", s.weightSum()))
          .append("</td><td class=\"l\"><code>")
          .append(Report.esc(s.sha256()))
          .append("</code></td></tr>");
    }
    h.append("</table></div>");
  }

  private static void config(StringBuilder h, Map<String, Object> config) {
    h.append("<h2 id=\"config\">Resolved config</h2><table id=\"config-table\">")
        .append("<tr><th class=\"l\">key</th><th class=\"l\">value</th></tr>");
    for (Map.Entry<String, Object> e : new TreeMap<>(config).entrySet()) {
      h.append("<tr data-key=\"")
          .append(Report.esc(e.getKey()))
          .append("\"><td class=\"l\">")
          .append(Report.esc(e.getKey()))
          .append("</td><td class=\"l\"><code>")
          .append(Report.esc(e.getValue()))
          .append("</code></td></tr>");
    }
    h.append("</table>");
  }
}
