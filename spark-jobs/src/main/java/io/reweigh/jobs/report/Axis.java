package io.reweigh.jobs.report;

/**
 * A chart axis: the data range shown, its label and whether values are log10 of the real value. An
 * empty or inverted range becomes one unit around {@code lo}.
 */
public record Axis(String label, double lo, double hi, boolean log) {
  public Axis {
    if (!(hi > lo)) {
      double mid = Double.isFinite(lo) ? lo : 0;
      lo = mid - 0.5;
      hi = mid + 0.5;
    }
  }
}
