package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The documents report.html lists (the {@link Extremes} of the shards): their row of the shards
 * with a text snippet, read in one scan, and each signal's scores and weights.
 */
final class TopDocs {
  private TopDocs() {}

  /** id → (id, domain, n_tokens, weight, text snippet) of the given documents, in one scan. */
  static Map<String, Row> rows(Dataset<Row> shards, List<String> low, List<String> high) {
    java.util.Set<String> ids = new java.util.LinkedHashSet<>(low);
    ids.addAll(high);
    boolean hasDomain = List.of(shards.columns()).contains(Columns.DOMAIN);
    Map<String, Row> byId = new HashMap<>();
    if (ids.isEmpty()) {
      return byId;
    }
    for (Row r :
        shards
            .filter(col(Columns.ID).cast("string").isin(ids.toArray()))
            .select(
                col(Columns.ID).cast("string"),
                hasDomain ? col(Columns.DOMAIN).cast("string") : functions.lit(null).cast("string"),
                col(Columns.N_TOKENS).cast("long"),
                col(Columns.WEIGHT),
                functions.substring(col(Columns.TEXT), 1, ReportData.SNIPPET_CHARS))
            .collectAsList()) {
      byId.put(r.getString(0), r);
    }
    return byId;
  }

  /** The given top rows of the shards, with each signal's scores and weights. */
  static List<ReportData.Doc> docs(List<Row> top, List<ScoreTable> scored) {
    List<String> ids = top.stream().map(r -> r.getString(0)).toList();
    // per signal: id → values of its score and weight columns
    List<Map<String, List<Double>>> values = new ArrayList<>();
    for (ScoreTable s : scored) {
      List<String> cols = s.columns();
      List<org.apache.spark.sql.Column> sel = new ArrayList<>();
      sel.add(col(Columns.ID).cast("string"));
      for (String c : cols) {
        sel.add(col(c).cast("double"));
      }
      Map<String, List<Double>> byId = new HashMap<>();
      for (Row r :
          s.table()
              .filter(col(Columns.ID).cast("string").isin(ids.toArray()))
              .select(sel.toArray(org.apache.spark.sql.Column[]::new))
              .collectAsList()) {
        List<Double> v = new ArrayList<>();
        for (int i = 1; i < r.length(); i++) {
          v.add(r.isNullAt(i) ? null : r.getDouble(i));
        }
        byId.put(r.getString(0), v);
      }
      values.add(byId);
    }
    List<ReportData.Doc> docs = new ArrayList<>();
    for (Row r : top) {
      List<Double> v = new ArrayList<>();
      for (int k = 0; k < scored.size(); k++) {
        List<Double> got = values.get(k).get(r.getString(0));
        int n = scored.get(k).scores().size() + scored.get(k).weights().size();
        v.addAll(got != null ? got : java.util.Collections.nCopies(n, (Double) null));
      }
      docs.add(
          new ReportData.Doc(
              r.getString(0),
              r.getString(1),
              r.isNullAt(2) ? 0 : r.getLong(2),
              r.getDouble(3),
              v,
              r.getString(4)));
    }
    return docs;
  }
}
