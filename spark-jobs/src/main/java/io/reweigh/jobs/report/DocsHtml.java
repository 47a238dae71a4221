package io.reweigh.jobs.report;

import java.util.List;
import java.util.Locale;

/** report.html's "Most down-weighted and most up-weighted documents" section. */
final class DocsHtml {
  private DocsHtml() {}

  static void section(StringBuilder h, ReportData d) {
    h.append("<h2 id=\"documents\">Most down-weighted and most up-weighted documents</h2>");
    table(
        h,
        "lowest",
        "The " + d.lowest().size() + " lowest final weights",
        d,
        d.lowest(),
        d.lowestTies());
    table(
        h,
        "highest",
        "The " + d.highest().size() + " highest final weights",
        d,
        d.highest(),
        d.highestTies());
  }

  private static void table(
      StringBuilder h,
      String id,
      String title,
      ReportData d,
      List<ReportData.Doc> docs,
      long ties) {
    h.append("<h3>").append(Html.esc(title)).append("</h3>");
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
        .append(ReportData.SNIPPET_CHARS)
        .append(" characters.</p><div class=\"scroll\"><table id=\"docs-")
        .append(id)
        .append("\"><tr><th class=\"l\">id</th><th class=\"l\">domain</th><th>tokens</th>")
        .append("<th>final weight</th>");
    for (String c : d.docColumns()) {
      h.append("<th>").append(Html.esc(c)).append("</th>");
    }
    h.append("</tr>");
    int span = 4 + d.docColumns().size();
    for (ReportData.Doc doc : docs) {
      h.append("<tr class=\"doc\"><td class=\"l\">")
          .append(Html.esc(Html.clip(String.valueOf(doc.id()))))
          .append("</td><td class=\"l\">")
          .append(Html.esc(doc.domain() == null ? "(none)" : Html.clip(doc.domain())))
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
          .append(Html.esc(doc.snippet()))
          .append("</td></tr>");
    }
    h.append("</table></div>");
  }
}
