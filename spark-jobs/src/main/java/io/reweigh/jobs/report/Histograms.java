package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Bin counts for report.html's histograms: the final weight of the documents in the shards, then
 * per signal its headline score and its weights over every scored document.
 */
final class Histograms {
  private Histograms() {}

  static final int BINS = 40;

  /** A positive column whose max / min exceeds this is shown on a log axis. */
  static final double LOG_SPAN = 30;

  /** One histogram to count: its chart id, title and the column. */
  record Spec(String id, String title, String column) {}

  /** The chart id of the histogram of a signal's column (scatter plots share its axis). */
  static String id(String signal, String column) {
    return "hist-" + signal + "-" + column;
  }

  /** Final weight of the shards first, then each signal's first score and its weights. */
  static List<ReportData.Histogram> all(Dataset<Row> shards, List<ScoreTable> scored) {
    List<ReportData.Histogram> hists =
        new ArrayList<>(
            of(shards, List.of(new Spec("hist-weight", "Final weight", Columns.WEIGHT))));
    for (ScoreTable s : scored) {
      String n = s.signal().name();
      List<Spec> specs = new ArrayList<>();
      for (String c : s.scores().stream().limit(1).toList()) {
        specs.add(new Spec(id(n, c), n + ": " + c, c));
      }
      for (String w : s.weights()) {
        specs.add(new Spec(id(n, w), n + ": " + w, w));
      }
      hists.addAll(of(s.table(), specs));
    }
    return hists;
  }

  /**
   * Bin counts of numeric columns of one table, in two Spark jobs whatever their number (range,
   * then bins); nulls and NaN are left out. A positive column that spans more than a factor
   * LOG_SPAN is binned by log10.
   */
  static List<ReportData.Histogram> of(Dataset<Row> t, List<Spec> specs) {
    int k = specs.size();
    org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[k];
    for (int i = 0; i < k; i++) {
      cols[i] = col(specs.get(i).column()).cast("double");
    }
    // two single-stage passes over the narrow columns: range, then bins (no shuffle)
    var rows = t.select(cols).javaRDD();
    double[][] range =
        rows.treeAggregate(
            Bins.emptyRange(k), (acc, r) -> Bins.addRange(acc, r), Bins::mergeRange, 2);
    Axis[] axes = new Axis[k];
    double[] lo = new double[k];
    double[] width = new double[k];
    boolean[] log = new boolean[k];
    for (int i = 0; i < k; i++) {
      axes[i] = axis(specs.get(i).column(), range[0][i], range[1][i], (long) range[2][i]);
      log[i] = axes[i].log();
      lo[i] = axes[i].lo();
      width[i] = (axes[i].hi() - axes[i].lo()) / BINS;
    }
    long[][] bins =
        rows.treeAggregate(
            new long[k][BINS], (acc, r) -> Bins.add(acc, r, lo, width, log), Bins::merge, 2);
    List<ReportData.Histogram> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Spec s = specs.get(i);
      out.add(new ReportData.Histogram(s.id(), s.title(), axes[i], bins[i], (long) range[2][i]));
    }
    return out;
  }

  /** The axis of a column with values in [min, max] (n of them): log10 when it spans LOG_SPAN. */
  static Axis axis(String column, double min, double max, long n) {
    if (n == 0) {
      return new Axis(column, 0, 1, false);
    }
    boolean log = min > 0 && max / min > LOG_SPAN;
    return new Axis(column, log ? Math.log10(min) : min, log ? Math.log10(max) : max, log);
  }

  /** Range and bin counting of a row of doubles (nulls and NaN skipped), for treeAggregate. */
  static final class Bins {
    private Bins() {}

    static double[][] emptyRange(int k) {
      double[][] r = new double[3][k];
      java.util.Arrays.fill(r[0], Double.POSITIVE_INFINITY);
      java.util.Arrays.fill(r[1], Double.NEGATIVE_INFINITY);
      return r;
    }

    static double[][] addRange(double[][] acc, Row r) {
      for (int i = 0; i < acc[0].length; i++) {
        if (!r.isNullAt(i) && !Double.isNaN(r.getDouble(i))) {
          double v = r.getDouble(i);
          acc[0][i] = Math.min(acc[0][i], v);
          acc[1][i] = Math.max(acc[1][i], v);
          acc[2][i]++;
        }
      }
      return acc;
    }

    static double[][] mergeRange(double[][] a, double[][] b) {
      for (int i = 0; i < a[0].length; i++) {
        a[0][i] = Math.min(a[0][i], b[0][i]);
        a[1][i] = Math.max(a[1][i], b[1][i]);
        a[2][i] += b[2][i];
      }
      return a;
    }

    static long[][] add(long[][] acc, Row r, double[] lo, double[] width, boolean[] log) {
      for (int i = 0; i < acc.length; i++) {
        if (!r.isNullAt(i) && !Double.isNaN(r.getDouble(i))) {
          double v = log[i] ? Math.log10(r.getDouble(i)) : r.getDouble(i);
          int b = width[i] > 0 ? (int) Math.floor((v - lo[i]) / width[i]) : 0;
          acc[i][Math.max(0, Math.min(BINS - 1, b))]++;
        }
      }
      return acc;
    }

    static long[][] merge(long[][] a, long[][] b) {
      for (int i = 0; i < a.length; i++) {
        for (int j = 0; j < BINS; j++) {
          a[i][j] += b[i][j];
        }
      }
      return a;
    }
  }
}
