package io.reweigh.jobs.report;

/**
 * Text for report.html: escaping of every value that comes from data, and the clipping of long
 * labels. Shared by the section renderers ({@link ReportHtml} and the classes it calls) and {@link
 * Charts}.
 */
final class Html {
  private Html() {}

  /** Longest label a report table shows whole (domain names and the like). */
  static final int MAX_LABEL = 80;

  /** At most {@link #MAX_LABEL} characters, an ellipsis marking a cut. */
  static String clip(String s) {
    return s.length() <= MAX_LABEL ? s : s.substring(0, MAX_LABEL - 1) + "…";
  }

  /** {@code String.valueOf(o)} with &amp;, &lt;, &gt; and both quotes escaped. */
  static String esc(Object o) {
    return String.valueOf(o)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
