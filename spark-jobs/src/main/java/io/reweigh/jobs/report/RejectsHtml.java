package io.reweigh.jobs.report;

import io.reweigh.jobs.manifest.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** report.html's "Rejected rows" section: rows per reason with examples from rejects/. */
final class RejectsHtml {
  private RejectsHtml() {}

  static void section(StringBuilder h, Manifest.Counts c, List<ReportData.RejectExample> examples) {
    h.append("<h2 id=\"rejects\">Rejected rows</h2>");
    if (c.rejectedByReason().isEmpty()) {
      h.append("<p>No rows were rejected.</p>");
      return;
    }
    h.append("<p class=\"note\">Every rejected row is in rejects/ (Parquet with source_file,")
        .append(" source_row, reject_reason and the raw line). Up to ")
        .append(ReportData.REJECT_EXAMPLES)
        .append(" examples per reason.</p><div class=\"scroll\"><table id=\"rejects-table\">")
        .append("<tr><th class=\"l\">reason</th><th>rows</th><th class=\"l\">example (file:row,")
        .append(" id)</th><th class=\"l\">text or raw line (first ")
        .append(ReportData.SNIPPET_CHARS)
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
          .append(Html.esc(e.getKey()))
          .append("\"><td class=\"l\" rowspan=\"")
          .append(span)
          .append("\">")
          .append(Html.esc(e.getKey()))
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
            .append(Html.esc(shortFile(x.sourceFile())))
            .append(x.sourceRow() == null ? "" : ":" + x.sourceRow())
            .append(x.id() == null ? "" : ", id " + Html.esc(x.id()))
            .append("</td><td class=\"text\">")
            .append(Html.esc(x.snippet() == null ? "" : x.snippet()))
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
}
