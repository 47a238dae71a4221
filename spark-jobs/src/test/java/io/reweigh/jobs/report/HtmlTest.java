package io.reweigh.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void escapesMarkupAndBothQuotes() {
    assertEquals(
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
        Html.esc("<a href=\"x\" title='y'>&amp;</a>"));
    assertEquals("null", Html.esc(null));
    assertEquals("42", Html.esc(42L));
  }

  @Test
  void clipsLongLabelsWithAnEllipsis() {
    String whole = "d".repeat(Html.MAX_LABEL);
    assertEquals(whole, Html.clip(whole));
    String clipped = Html.clip(whole + "e");
    assertEquals(Html.MAX_LABEL, clipped.length());
    assertEquals("d".repeat(Html.MAX_LABEL - 1) + "…", clipped);
  }
}
