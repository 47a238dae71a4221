package io.reweigh.jobs.input;

import static io.reweigh.jobs.input.Ingest.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Parquet input as {@link Ingest}'s canonical rows: the text, id and domain columns checked by type
 * in each file's footer and selected with every carried column (docs/guarantees.md, the bad-input
 * matrix).
 */
final class ParquetSource {
  private ParquetSource() {}

  static Dataset<Row> readParquet(
      SparkSession spark, InputPlan plan, Settings cfg, long[] inputRows) {
    ParquetFooters.Result footers = ParquetFooters.check(spark, plan, cfg);
    boolean sameSchema = footers.sameSchema();
    inputRows[0] = footers.rows();
    String idCol = cfg.idColumn();
    String textCol = cfg.textColumn();
    String domainCol = cfg.domainColumn();
    boolean generateIds = cfg.generateIds();
    Dataset<Row> df =
        spark.read().option("mergeSchema", String.valueOf(!sameSchema)).parquet(plan.files());
    Set<String> names = Set.of(df.columns());
    List<Column> cols = new ArrayList<>();
    Column id =
        generateIds
            ? concat(
                col("_metadata.file_name"), lit("#"), col("_metadata.row_index").cast("string"))
            : col(quote(idCol)).cast("string");
    cols.add(id.as(Columns.ID));
    // Parquet strings are raw bytes until decoded: checked here, repaired only when asked to
    Column text = col(quote(textCol));
    Column badUtf8 = functions.not(functions.call_function("is_valid_utf8", text));
    cols.add(
        (cfg.replaceInvalidUtf8() ? functions.call_function("make_valid_utf8", text) : text)
            .as(Columns.TEXT));
    cols.add(
        names.contains(domainCol)
            ? col(quote(domainCol)).cast("string").as(Columns.DOMAIN)
            : lit(null).cast("string").as(Columns.DOMAIN));
    for (String c : df.columns()) {
      if (carried(c, cfg)) {
        cols.add(col(quote(c)));
      }
    }
    cols.add(col("_metadata.file_path").as(Columns.SOURCE_FILE));
    cols.add(col("_metadata.row_index").as(Columns.SOURCE_ROW));
    cols.add(functions.coalesce(badUtf8, lit(false)).as(BAD_UTF8));
    cols.add(lit(null).cast("string").as(PARSE_REASON));
    cols.add(lit(null).cast("string").as(Columns.RAW));
    return df.select(cols.toArray(Column[]::new));
  }
}
