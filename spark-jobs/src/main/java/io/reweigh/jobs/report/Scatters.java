package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * report.html's scatter plots: final weight (y) against each signal's headline score (x) for a
 * seeded sample of {@link ReportData#SCATTER_POINTS} documents, on the histograms' axes.
 */
final class Scatters {
  private Scatters() {}

  // scratch column, dropped before anything is written (Columns.INTERNAL_PREFIX)
  private static final String X_COL = Columns.INTERNAL_PREFIX + "x";

  /**
   * @param hists {@link Histograms#all} of the same shards and tables (the first is the final
   *     weight's)
   */
  static List<ReportData.Scatter> of(
      Dataset<Row> shards, List<ScoreTable> scored, List<ReportData.Histogram> hists, long seed) {
    List<ReportData.Scatter> out = new ArrayList<>();
    Dataset<Row> sample =
        shards
            .select(col(Columns.ID), col(Columns.WEIGHT))
            .orderBy(SparkStats.seededHash(seed, Columns.ID), col(Columns.ID))
            .limit(ReportData.SCATTER_POINTS);
    Axis wAxis = hists.get(0).x();
    for (ScoreTable s : scored) {
      if (s.scores().isEmpty()) {
        continue;
      }
      String c = s.scores().get(0);
      String n = s.signal().name();
      Axis xAxis =
          hists.stream()
              .filter(h -> h.id().equals(Histograms.id(n, c)))
              .findFirst()
              .orElseThrow()
              .x();
      List<Row> rows =
          sample
              .join(s.table().select(col(Columns.ID), col(c).cast("double").as(X_COL)), Columns.ID)
              .orderBy(col(Columns.ID))
              .collectAsList();
      double[] xs = new double[rows.size()];
      double[] ys = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        xs[i] = r.isNullAt(2) ? Double.NaN : axisValue(xAxis, r.getDouble(2));
        ys[i] = r.isNullAt(1) ? Double.NaN : axisValue(wAxis, r.getDouble(1));
      }
      out.add(
          new ReportData.Scatter(
              "scatter-" + n + "-" + c,
              "Final weight against " + n + ": " + c,
              xAxis,
              new Axis("final weight", wAxis.lo(), wAxis.hi(), wAxis.log()),
              xs,
              ys));
    }
    return out;
  }

  /** v in the axis' space: log10 on a log axis (NaN for v ≤ 0 there). */
  static double axisValue(Axis a, double v) {
    return a.log() ? (v > 0 ? Math.log10(v) : Double.NaN) : v;
  }
}
