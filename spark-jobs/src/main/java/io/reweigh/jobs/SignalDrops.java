package io.reweigh.jobs;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.signal.Signal;
import io.reweigh.jobs.stage.OutputDir;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Rows a signal marks dropped (its {@link Signal.Outputs#dropColumn()}) go to rejects/ as files
 * named drop-*, with the signal's reason, replacing those of an earlier run, so that input rows =
 * shard rows + rejected rows still holds.
 */
final class SignalDrops {
  private SignalDrops() {}

  /**
   * Moves the dropped rows of {@code scored} to rejects/ (written under {@code tmp} first). Returns
   * the documents that stay; counts go into {@code dropped} by reason label.
   */
  static Dataset<Row> moveToRejects(
      OutputDir out, Dataset<Row> docs, List<Scored> scored, Path tmp, Map<String, Long> dropped) {
    Path rejects = out.resolve(Columns.REJECTS_DIR);
    try {
      deleteEarlierDrops(out, rejects);
      Dataset<Row> kept = docs;
      int[] file = {0};
      for (Scored s : scored) {
        String dropColumn = s.outputs().dropColumn();
        if (dropColumn == null) {
          continue;
        }
        Dataset<Row> ids = s.table().filter(col(dropColumn)).select(Columns.ID);
        long n = ids.count();
        if (n == 0) {
          continue;
        }
        write(out, docs, ids, s, new Path(tmp, "dropped-" + s.signal().name()), rejects, file);
        dropped.merge(s.outputs().dropLabel(), n, Long::sum);
        kept = kept.join(ids, Columns.ID, "left_anti");
      }
      return kept;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void deleteEarlierDrops(OutputDir out, Path rejects) throws java.io.IOException {
    if (out.exists(rejects)) {
      for (var f : out.fs().listStatus(rejects)) {
        if (f.getPath().getName().startsWith(Columns.DROP_FILE_PREFIX)) {
          out.delete(f.getPath());
        }
      }
    }
  }

  /** Writes the dropped documents of one signal into {@code where}, then moves them to rejects/. */
  private static void write(
      OutputDir out,
      Dataset<Row> docs,
      Dataset<Row> ids,
      Scored s,
      Path where,
      Path rejects,
      int[] file)
      throws java.io.IOException {
    docs.join(ids, Columns.ID, "left_semi")
        .withColumn(Columns.REJECT_REASON, functions.lit(s.outputs().dropLabel()))
        .withColumn(Columns.REJECT_DETAIL, functions.lit(s.outputs().dropDetail()))
        .select(
            docs.columns()[0],
            java.util.Arrays.copyOfRange(docs.columns(), 1, docs.columns().length))
        .coalesce(1)
        .write()
        .option("compression", "zstd")
        .parquet(where.toString());
    for (var f : out.fs().listStatus(where)) {
      if (f.getPath().getName().endsWith(".parquet")) {
        out.rename(
            f.getPath(),
            new Path(rejects, Columns.DROP_FILE_PREFIX + (file[0]++) + ".zstd.parquet"));
      }
    }
    out.delete(where);
  }
}
