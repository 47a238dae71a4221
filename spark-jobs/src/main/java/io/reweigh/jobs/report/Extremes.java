package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The TOP_DOCS lowest-weight ids (by weight, then id) and the TOP_DOCS highest (by weight
 * descending, then id), and how many documents have the lowest and the highest weight. Ids compare
 * by code point, as Spark orders strings; documents without a weight are left out.
 */
record Extremes(List<String> lowIds, List<String> highIds, long atMin, long atMax) {

  /** How many documents each end lists. */
  static final int TOP_DOCS = 20;

  static Extremes of(Dataset<Row> shards) {
    Ends ends =
        shards
            .select(col(Columns.ID).cast("string"), col(Columns.WEIGHT).cast("double"))
            .javaRDD()
            .treeAggregate(new Ends(TOP_DOCS), Ends::add, Ends::merge, 2);
    return ends.result();
  }

  /** Running state of {@link #of}: bounded heaps at both ends, min and max with counts. */
  static final class Ends implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * (weight, id) with ids by code point; weights ascending (the low list) or descending (the high
     * list); {@code worstFirst} reverses it for the bounded heaps, whose head is dropped. A class,
     * not a record: the aggregate travels with Kryo, which cannot write records.
     */
    static final class Order implements java.util.Comparator<Object[]>, java.io.Serializable {
      private static final long serialVersionUID = 1L;
      private final boolean highFirst;
      private final boolean worstFirst;

      Order(boolean highFirst, boolean worstFirst) {
        this.highFirst = highFirst;
        this.worstFirst = worstFirst;
      }

      @Override
      public int compare(Object[] a, Object[] b) {
        int c = Double.compare((Double) a[0], (Double) b[0]);
        if (highFirst) {
          c = -c;
        }
        if (c == 0) {
          c = compareCodePoints((String) a[1], (String) b[1]);
        }
        return worstFirst ? -c : c;
      }
    }

    private final int k;
    private final java.util.PriorityQueue<Object[]> low;
    private final java.util.PriorityQueue<Object[]> high;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long atMin;
    private long atMax;

    Ends(int k) {
      this.k = k;
      this.low = new java.util.PriorityQueue<>(new Order(false, true));
      this.high = new java.util.PriorityQueue<>(new Order(true, true));
    }

    static int compareCodePoints(String a, String b) {
      int i = 0;
      int j = 0;
      while (i < a.length() && j < b.length()) {
        int x = a.codePointAt(i);
        int y = b.codePointAt(j);
        if (x != y) {
          return Integer.compare(x, y);
        }
        i += Character.charCount(x);
        j += Character.charCount(y);
      }
      return Integer.compare(a.length() - i, b.length() - j);
    }

    static Ends add(Ends acc, Row r) {
      if (!r.isNullAt(1) && !Double.isNaN(r.getDouble(1))) {
        acc.offer(r.getDouble(1), r.getString(0));
      }
      return acc;
    }

    private void offer(double w, String id) {
      Object[] e = {w, id};
      keepLow(e);
      keepHigh(e);
      if (w < min) {
        min = w;
        atMin = 0;
      }
      if (w == min) {
        atMin++;
      }
      if (w > max) {
        max = w;
        atMax = 0;
      }
      if (w == max) {
        atMax++;
      }
    }

    static Ends merge(Ends a, Ends b) {
      Ends out = new Ends(a.k);
      for (Ends x : new Ends[] {a, b}) {
        x.low.forEach(out::keepLow);
        x.high.forEach(out::keepHigh);
      }
      out.min = Math.min(a.min, b.min);
      out.max = Math.max(a.max, b.max);
      out.atMin = (a.min == out.min ? a.atMin : 0) + (b.min == out.min ? b.atMin : 0);
      out.atMax = (a.max == out.max ? a.atMax : 0) + (b.max == out.max ? b.atMax : 0);
      return out;
    }

    private void keepLow(Object[] e) {
      low.add(e);
      if (low.size() > k) {
        low.poll();
      }
    }

    private void keepHigh(Object[] e) {
      high.add(e);
      if (high.size() > k) {
        high.poll();
      }
    }

    Extremes result() {
      List<Object[]> l = new ArrayList<>(low);
      l.sort(new Order(false, false));
      List<Object[]> h = new ArrayList<>(high);
      h.sort(new Order(true, false));
      return new Extremes(
          l.stream().map(e -> (String) e[1]).toList(),
          h.stream().map(e -> (String) e[1]).toList(),
          l.isEmpty() ? 0 : atMin,
          h.isEmpty() ? 0 : atMax);
    }
  }
}
