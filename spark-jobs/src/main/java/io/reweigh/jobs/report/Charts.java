package io.reweigh.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for report.html, without Spark and without scripts: histograms, scatter plots
 * and grouped horizontal bars, each with a title, labelled axes and tick marks. Every chart is an
 * {@code <svg class="chart" id="...">}; the browser test finds them by id. Values shown on a log
 * axis are passed as log10 and labelled as 10^v.
 */
public final class Charts {
  private Charts() {}

  static final int W = 640;
  static final int H = 240;
  static final int LEFT = 64;
  static final int RIGHT = 16;
  static final int TOP = 28;
  static final int BOTTOM = 44;
  static final String[] PALETTE = {"#4a7bd0", "#e08a2c", "#3a9e5a", "#b04a9e", "#8a8a8a"};

  /** Histogram: counts of equal-width bins over {@code x}. */
  public static String histogram(String id, String title, Axis x, long[] bins) {
    long max = 1;
    for (long b : bins) {
      max = Math.max(max, b);
    }
    Axis y = new Axis("documents", 0, max, false);
    StringBuilder s = open(id, title, H);
    axes(s, x, y, H);
    double pw = (double) (W - LEFT - RIGHT) / bins.length;
    for (int i = 0; i < bins.length; i++) {
      if (bins[i] == 0) {
        continue;
      }
      double y0 = py(y, bins[i], H);
      double lo = x.lo() + (x.hi() - x.lo()) * i / bins.length;
      double hi = x.lo() + (x.hi() - x.lo()) * (i + 1) / bins.length;
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                  + "<title>%s to %s: %d documents</title></rect>",
              LEFT + i * pw,
              y0,
              Math.max(pw - 1, 0.5),
              H - BOTTOM - y0,
              PALETTE[0],
              tick(x, lo),
              tick(x, hi),
              bins[i]));
    }
    return s.append("</svg>").toString();
  }

  /** Scatter plot of points (xs[i], ys[i]), already in axis space (log10 on a log axis). */
  public static String scatter(String id, String title, Axis x, Axis y, double[] xs, double[] ys) {
    StringBuilder s = open(id, title, H + 40);
    int h = H + 40;
    axes(s, x, y, h);
    for (int i = 0; i < xs.length; i++) {
      if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
        continue;
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\" fill-opacity=\"0.5\"/>",
              px(x, xs[i]),
              py(y, ys[i], h),
              PALETTE[0]));
    }
    return s.append("</svg>").toString();
  }

  /**
   * Line chart: one polyline with point marks per series ({@code xs.get(k)}, {@code ys.get(k)},
   * already in axis space) and a legend.
   */
  public static String lines(
      String id,
      String title,
      Axis x,
      Axis y,
      List<String> series,
      List<double[]> xs,
      List<double[]> ys) {
    int h = H + 40;
    StringBuilder s = open(id, title, h);
    axes(s, x, y, h);
    for (int k = 0; k < series.size(); k++) {
      String colour = PALETTE[k % PALETTE.length];
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
              W - RIGHT - 150,
              TOP + 4 + 14 * k,
              colour,
              W - RIGHT - 136,
              TOP + 13 + 14 * k,
              Html.esc(series.get(k))));
      StringBuilder pts = new StringBuilder();
      StringBuilder marks = new StringBuilder();
      double[] px = xs.get(k);
      double[] py = ys.get(k);
      for (int i = 0; i < px.length; i++) {
        if (!Double.isFinite(px[i]) || !Double.isFinite(py[i])) {
          continue;
        }
        double cx = px(x, px[i]);
        double cy = py(y, py[i], h);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", cx, cy));
        marks.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s: %s %s,"
                    + " %s %s</title></circle>",
                cx,
                cy,
                colour,
                Html.esc(series.get(k)),
                Html.esc(x.label()),
                tick(x, px[i]),
                Html.esc(y.label()),
                tick(y, py[i])));
      }
      s.append(
              String.format(
                  Locale.ROOT,
                  "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>",
                  colour,
                  pts.toString().trim()))
          .append(marks);
    }
    return s.append("</svg>").toString();
  }

  /**
   * Grouped horizontal bars: one group per label, one bar per series (values[series][label]), with
   * a legend. Values are on a linear axis from 0.
   */
  public static String bars(
      String id,
      String title,
      String xLabel,
      List<String> labels,
      List<String> series,
      double[][] values) {
    double max = 0;
    for (double[] row : values) {
      for (double v : row) {
        max = Math.max(max, v);
      }
    }
    int barH = 12;
    int groupH = series.size() * barH + 8;
    int left = 140;
    int legendRows = (series.size() + 2) / 3;
    int h = TOP + 6 + 14 * legendRows + labels.size() * groupH + BOTTOM;
    Axis x = new Axis(xLabel, 0, max > 0 ? max : 1, false);
    StringBuilder s = open(id, title, h);
    int plotW = W - left - RIGHT;
    // legend
    for (int k = 0; k < series.size(); k++) {
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
              left + (k % 3) * 160,
              TOP - 6 + (k / 3) * 14,
              PALETTE[k % PALETTE.length],
              left + (k % 3) * 160 + 14,
              TOP + 3 + (k / 3) * 14,
              Html.esc(series.get(k))));
    }
    int top = TOP + 6 + 14 * legendRows;
    for (int g = 0; g < labels.size(); g++) {
      int gy = top + g * groupH;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>",
              left - 6,
              gy + groupH / 2 + 2,
              Html.esc(shorten(labels.get(g), 22))));
      for (int k = 0; k < series.size(); k++) {
        double v = values[k][g];
        double w = plotW * v / x.hi();
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                    + "<title>%s, %s: %s</title></rect>",
                left,
                gy + k * barH,
                Math.max(w, 0),
                barH - 2,
                PALETTE[k % PALETTE.length],
                Html.esc(labels.get(g)),
                Html.esc(series.get(k)),
                number(v)));
      }
    }
    // x axis
    int axisY = h - BOTTOM;
    s.append(line(left, axisY, W - RIGHT, axisY));
    for (double t : ticks(x.lo(), x.hi(), 5)) {
      double tx = left + plotW * (t - x.lo()) / (x.hi() - x.lo());
      s.append(line(tx, axisY, tx, axisY + 4));
      s.append(text(tx, axisY + 16, "middle", tick(x, t)));
    }
    s.append(text(left + plotW / 2.0, h - 8, "middle", Html.esc(x.label())));
    return s.append("</svg>").toString();
  }

  /** "Nice" tick values (1, 2, 5 × 10^k steps) covering [lo, hi], about n of them. */
  public static List<Double> ticks(double lo, double hi, int n) {
    List<Double> out = new ArrayList<>();
    if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
      out.add(lo);
      return out;
    }
    double raw = (hi - lo) / Math.max(1, n - 1);
    int exp = (int) Math.floor(Math.log10(raw));
    double f = raw / Math.pow(10, exp);
    int mant = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    // decimal arithmetic, so that ticks print as 0.6 and not 0.6000000000000001
    java.math.BigDecimal step = java.math.BigDecimal.valueOf(mant).scaleByPowerOfTen(exp);
    double stepD = step.doubleValue();
    long k = (long) Math.ceil(lo / stepD - 1e-9);
    for (; k * stepD <= hi + stepD * 1e-9; k++) {
      out.add(java.math.BigDecimal.valueOf(k).multiply(step).doubleValue());
    }
    return out;
  }

  /** A tick label: v, or 10^v on a log axis. */
  static String tick(Axis a, double v) {
    return a.log() ? number(Math.pow(10, v)) : number(v);
  }

  /** A number in at most 3 significant digits (tick labels, tooltips). */
  static String number(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) {
      String[] me = String.format(Locale.ROOT, "%.2e", v).split("e");
      String mant = me[0].replaceAll("0+$", "").replaceAll("\\.$", "");
      return mant + "e" + Integer.parseInt(me[1]);
    }
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(3))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static StringBuilder open(String id, String title, int h) {
    return new StringBuilder()
        .append(
            String.format(
                Locale.ROOT,
                "<svg class=\"chart\" id=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                    + " xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"%s\">"
                    + "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>",
                Html.esc(id),
                W,
                h,
                W,
                h,
                Html.esc(title),
                LEFT,
                Html.esc(title)));
  }

  private static void axes(StringBuilder s, Axis x, Axis y, int h) {
    int bottom = h - BOTTOM;
    s.append(line(LEFT, bottom, W - RIGHT, bottom)).append(line(LEFT, TOP, LEFT, bottom));
    for (double t : ticks(x.lo(), x.hi(), 6)) {
      double tx = px(x, t);
      s.append(line(tx, bottom, tx, bottom + 4))
          .append(text(tx, bottom + 16, "middle", tick(x, t)));
    }
    for (double t : ticks(y.lo(), y.hi(), 5)) {
      double ty = py(y, t, h);
      s.append(line(LEFT - 4, ty, LEFT, ty)).append(text(LEFT - 6, ty + 4, "end", tick(y, t)));
    }
    s.append(
        text(
            LEFT + (W - LEFT - RIGHT) / 2.0,
            h - 8,
            "middle",
            Html.esc(x.label() + (x.log() ? " (log scale)" : ""))));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 14 %.1f)\">%s</text>",
            (TOP + bottom) / 2.0,
            (TOP + bottom) / 2.0,
            Html.esc(y.label() + (y.log() ? " (log scale)" : ""))));
  }

  private static double px(Axis x, double v) {
    return LEFT + (W - LEFT - RIGHT) * (v - x.lo()) / (x.hi() - x.lo());
  }

  private static double py(Axis y, double v, int h) {
    return (h - BOTTOM) - (h - BOTTOM - TOP) * (v - y.lo()) / (y.hi() - y.lo());
  }

  private static String line(double x1, double y1, double x2, double y2) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>",
        x1,
        y1,
        x2,
        y2);
  }

  private static String text(double x, double y, String anchor, String escaped) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"%s\">%s</text>",
        x,
        y,
        anchor,
        escaped);
  }

  private static String shorten(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
