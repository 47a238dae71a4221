package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.jobs.stage.OutputDir;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** Example rows of rejects/ for report.html's "Rejected rows" table. */
final class RejectExamples {
  private RejectExamples() {}

  /**
   * Up to {@link ReportData#REJECT_EXAMPLES} rows of rejects/ per reason label, first by file and
   * row.
   */
  static List<ReportData.RejectExample> of(SparkSession spark, OutputDir out) {
    Path dir = out.resolve(Columns.REJECTS_DIR);
    List<ReportData.RejectExample> ex = new ArrayList<>();
    if (!out.exists(dir)) {
      return ex;
    }
    Dataset<Row> r = spark.read().option("mergeSchema", "true").parquet(dir.toString());
    List<String> cols = List.of(r.columns());
    if (!cols.contains(Columns.REJECT_REASON)) {
      return ex;
    }
    org.apache.spark.sql.Column file =
        cols.contains(Columns.SOURCE_FILE) ? col(Columns.SOURCE_FILE).cast("string") : nullString();
    org.apache.spark.sql.Column row =
        cols.contains(Columns.SOURCE_ROW)
            ? col(Columns.SOURCE_ROW).cast("long")
            : functions.lit(null).cast("long");
    org.apache.spark.sql.Column id =
        cols.contains(Columns.ID) ? col(Columns.ID).cast("string") : nullString();
    org.apache.spark.sql.Column text =
        functions.coalesce(
            cols.contains(Columns.TEXT) ? col(Columns.TEXT).cast("string") : nullString(),
            cols.contains(Columns.RAW) ? col(Columns.RAW).cast("string") : nullString());
    Dataset<Row> t =
        r.select(
            functions
                .trim(functions.regexp_extract(col(Columns.REJECT_REASON), "^[^(]*", 0))
                .as("reason"),
            file.as("file"),
            row.as("row"),
            id.as("id"),
            functions.substring(text, 1, ReportData.SNIPPET_CHARS).as("snippet"));
    var w =
        org.apache.spark.sql.expressions.Window.partitionBy(col("reason"))
            .orderBy(col("file").asc_nulls_last(), col("row").asc_nulls_last(), col("id"));
    for (Row x :
        t.withColumn("n", functions.row_number().over(w))
            .filter(col("n").leq(ReportData.REJECT_EXAMPLES))
            .orderBy(col("reason"), col("n"))
            .collectAsList()) {
      ex.add(
          new ReportData.RejectExample(
              x.getString(0),
              x.getString(1),
              x.isNullAt(2) ? null : x.getLong(2),
              x.getString(3),
              x.getString(4)));
    }
    return ex;
  }

  private static org.apache.spark.sql.Column nullString() {
    return functions.lit(null).cast("string");
  }
}
