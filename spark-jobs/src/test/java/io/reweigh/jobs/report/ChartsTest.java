package io.reweigh.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ChartsTest {

  @Test
  void ticksAreNiceStepsInsideTheRange() {
    assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), Charts.ticks(0, 1, 6));
    assertEquals(List.of(20.0, 40.0, 60.0, 80.0), Charts.ticks(13, 97, 5));
    assertEquals(List.of(-2.0, -1.0, 0.0, 1.0), Charts.ticks(-2.3, 1.4, 5));
    List<Double> t = Charts.ticks(0.00123, 0.0456, 6);
    assertEquals(0.01, t.get(1) - t.get(0), 1e-12);
  }

  @Test
  void numbersHaveAtMostThreeSignificantDigits() {
    assertEquals("0", Charts.number(0));
    assertEquals("1.5", Charts.number(1.5));
    assertEquals("0.333", Charts.number(1 / 3.0));
    assertEquals("1e-4", Charts.number(1e-4));
    assertEquals("2.5e6", Charts.number(2.5e6));
    assertEquals("12300", Charts.number(12345));
  }

  @Test
  void histogramHasTitleAxisLabelsTicksAndOneBarPerNonEmptyBin() {
    String svg =
        Charts.histogram(
            "hist-x", "Final <weight>", new Axis("weight", -1, 1, true), new long[] {3, 0, 7, 1});
    assertTrue(svg.startsWith("<svg class=\"chart\" id=\"hist-x\""), svg);
    assertTrue(svg.contains("Final &lt;weight&gt;"), "title escaped");
    assertTrue(svg.contains(">weight (log scale)</text>"), "x label");
    assertTrue(svg.contains(">documents</text>"), "y label");
    assertEquals(3, count(svg, "<rect "), "empty bins draw nothing");
    // log axis: ticks at 10^-1, 10^0 and 10^1 label as 0.1, 1, 10
    for (String tick : List.of(">0.1<", ">1<", ">10<")) {
      assertTrue(svg.contains(tick), tick + " in " + svg);
    }
    assertTrue(svg.contains("<title>1 to 3.16: 7 documents</title>"), svg);
  }

  @Test
  void scatterSkipsNonFinitePointsAndBarsScaleToTheLargestValue() {
    String svg =
        Charts.scatter(
            "s",
            "t",
            new Axis("x", 0, 1, false),
            new Axis("y", 0, 1, false),
            new double[] {0.1, Double.NaN, 0.9},
            new double[] {0.5, 0.5, Double.POSITIVE_INFINITY});
    assertEquals(1, count(svg, "<circle "));
    String bars =
        Charts.bars(
            "b",
            "t",
            "percent",
            List.of("web", "code"),
            List.of("a", "b"),
            new double[][] {{10, 40}, {20, 5}});
    Matcher m = Pattern.compile("<rect x=\"140\" y=\"\\d+\" width=\"([0-9.]+)\"").matcher(bars);
    double max = 0;
    while (m.find()) {
      max = Math.max(max, Double.parseDouble(m.group(1)));
    }
    assertEquals(Charts.W - 140 - Charts.RIGHT, max, 0.05, "the largest bar spans the plot");
    assertFalse(bars.contains("NaN"));
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
