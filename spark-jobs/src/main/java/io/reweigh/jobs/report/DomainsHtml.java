package io.reweigh.jobs.report;

import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.ShardSets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * report.html's "Domains before and after weighting" section: per shard set a chart and a table of
 * the domains' shares, then the mean weight per label (when the input has a label column).
 */
final class DomainsHtml {
  private DomainsHtml() {}

  static void section(
      StringBuilder h, List<ShardSets.SetResult> sets, List<ReportData.Group> labels) {
    h.append("<h2 id=\"domains\">Domains before and after weighting</h2>");
    for (ShardSets.SetResult set : sets) {
      h.append(chart(set)).append(table(set));
    }
    labels(h, labels);
  }

  /** Documents and mean weight per label. */
  private static void labels(StringBuilder h, List<ReportData.Group> labels) {
    if (!labels.isEmpty()) {
      h.append("<h3>Mean weight by label</h3><table><tr><th class=\"l\">label</th>")
          .append("<th>documents</th><th>mean weight</th></tr>");
      for (ReportData.Group g : labels) {
        h.append("<tr><td class=\"l\">")
            .append(Html.esc(g.name() == null ? "(none)" : Html.clip(g.name())))
            .append("</td><td>")
            .append(g.documents())
            .append("</td><td>")
            .append(String.format(Locale.ROOT, "%.3f", g.meanWeight()))
            .append("</td></tr>");
      }
      h.append("</table>");
    }
  }

  /** Shares of documents and tokens (before) and of weight and weighted tokens (after). */
  static String chart(ShardSets.SetResult set) {
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
      labels.add(s.domain() == null ? "(none)" : Html.clip(s.domain()));
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

  /** A shard set's budget and per-domain totals before and after weighting (from the manifest). */
  static String table(ShardSets.SetResult set) {
    StringBuilder h =
        new StringBuilder("<h2>Shard set ").append(Html.esc(set.dir())).append("</h2>");
    h.append("<p>")
        .append(set.numShards())
        .append(" shard(s) of ")
        .append(set.shardTarget())
        .append(' ')
        .append(Html.esc(set.shardUnit()))
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
          .append(Html.esc(d.domain() == null ? "(none)" : Html.clip(d.domain())))
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
}
