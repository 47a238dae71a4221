package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSize;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * The sampler's narrow table: id, domain, n_tokens, the row's byte size and the signals' columns,
 * the usable documents left-joined to the score tables on id. Everything but the final write runs
 * on it (weights, budgets, copies, order and cuts); the text is read once, for the shards.
 */
final class ScoreJoin {
  private ScoreJoin() {}

  /**
   * The narrow table (not yet cached) and the signal columns it joined, in order.
   *
   * @param rows the narrow rows
   * @param signalColumns every signal's weight and phase columns
   */
  record Joined(Dataset<Row> rows, List<String> signalColumns) {}

  /**
   * The first pass over the narrow table: rows, tokens, and per score column {rows without a score,
   * smallest such id} ({@link Weighting#missingChecks}).
   */
  record Totals(long rows, long tokens, Map<String, Object[]> missing) {}

  static Joined join(
      Dataset<Row> docs,
      List<String> carried,
      Map<String, Dataset<Row>> tables,
      SamplerParams params) {
    List<Column> narrowCols =
        new ArrayList<>(
            List.of(
                col(Columns.ID),
                col(Columns.DOMAIN),
                col(Columns.N_TOKENS),
                // the text is read for its size only when shards are cut by bytes
                (params.shardSize().unit() == ShardSize.Unit.BYTES
                        ? carriedBytes(docs, carried)
                        : lit(0L))
                    .as(Scratch.DOC_BYTES)));
    Dataset<Row> narrow = docs.select(narrowCols.toArray(Column[]::new));
    List<String> signalColumns = new ArrayList<>();
    for (SamplerParams.Signal s : params.signals()) {
      Dataset<Row> t = tables.get(s.name());
      if (t == null) {
        throw new IllegalStateException("no score table for signal " + s.name());
      }
      List<String> cols = new ArrayList<>(s.allColumns());
      s.phaseColumns().stream().filter(c -> !cols.contains(c)).forEach(cols::add);
      signalColumns.addAll(cols);
      List<Column> select = new ArrayList<>(List.of(col(Columns.ID)));
      cols.forEach(c -> select.add(col(c)));
      narrow = narrow.join(t.select(select.toArray(Column[]::new)), Columns.ID, "left");
    }
    return new Joined(narrow, signalColumns);
  }

  /** One pass: rows, tokens, and the rows without a score of each score column. */
  static Totals totals(Dataset<Row> narrow, SamplerParams params) {
    List<String> scoreColumns = Weighting.scoreColumns(params);
    Row totals =
        narrow
            .agg(
                functions.count(lit(1)),
                Stream.concat(
                        Stream.of(functions.sum(col(Columns.N_TOKENS).cast("long"))),
                        Weighting.missingChecks(scoreColumns).stream())
                    .toArray(Column[]::new))
            .first();
    Map<String, Object[]> missing = new HashMap<>();
    for (int i = 0; i < scoreColumns.size(); i++) {
      missing.put(
          scoreColumns.get(i),
          new Object[] {totals.getLong(2 + 2 * i), totals.getString(3 + 2 * i)});
    }
    return new Totals(totals.getLong(0), totals.isNullAt(1) ? 0 : totals.getLong(1), missing);
  }

  /**
   * The shard-bytes estimate of a document's carried columns: UTF-8 bytes of string values, bytes
   * of binary values, 8 per other value.
   */
  private static Column carriedBytes(Dataset<Row> docs, List<String> carried) {
    Column bytes = lit(0L);
    for (String c : carried) {
      StructField f = docs.schema().apply(c);
      Column one;
      if (f.dataType() instanceof StringType) {
        one = functions.coalesce(functions.octet_length(col(c)).cast("long"), lit(0L));
      } else if (f.dataType() instanceof BinaryType) {
        one = functions.coalesce(functions.length(col(c)).cast("long"), lit(0L));
      } else {
        one = lit(8L);
      }
      bytes = bytes.plus(one);
    }
    return bytes;
  }
}
