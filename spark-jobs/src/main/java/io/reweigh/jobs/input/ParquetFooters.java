package io.reweigh.jobs.input;

import io.reweigh.core.config.Keys;
import io.reweigh.core.error.InputErrors;
import io.reweigh.core.spark.SerializableHadoopConf;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Reads every input Parquet footer (in parallel on the executors) before any data: a truncated or
 * foreign file, a missing text column or a text column that is not a string stops the run with a
 * message naming the file, instead of failing deep inside a stage.
 */
final class ParquetFooters {
  private ParquetFooters() {}

  /** One file's footer: column name → type description, or the error reading it. */
  /** Not a record: Spark's Kryo 4 cannot serialize records (task results use Kryo). */
  static final class Footer implements Serializable {
    private static final long serialVersionUID = 1L;
    final String file;
    final Map<String, String> columns;
    final long rows;
    final String error;

    Footer(String file, Map<String, String> columns, long rows, String error) {
      this.file = file;
      this.columns = new LinkedHashMap<>(columns);
      this.rows = rows;
      this.error = error;
    }

    String file() {
      return file;
    }

    Map<String, String> columns() {
      return columns;
    }

    long rows() {
      return rows;
    }

    String error() {
      return error;
    }
  }

  /** All files' footers agreed on the columns; rows counted from the footers. */
  record Result(boolean sameSchema, long rows) {}

  /** Checks every file; tells whether all files have the same columns, and the row count. */
  static Result check(SparkSession spark, InputPlan plan, Ingest.Settings cfg) {
    SerializableHadoopConf conf =
        new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration());
    List<String> files = Arrays.asList(plan.files());
    int slices = Math.max(1, Math.min(files.size(), 64));
    List<Footer> footers =
        new JavaSparkContext(spark.sparkContext())
            .parallelize(files, slices)
            .map(f -> read(f, conf))
            .collect();
    String textCol = cfg.textColumn();
    String idCol = cfg.idColumn();
    boolean generateIds = cfg.generateIds();
    Map<String, String> first = null;
    boolean same = true;
    long rows = 0;
    Map<String, Footer> firstWith = new LinkedHashMap<>();
    for (Footer f : footers) {
      if (f.error() != null) {
        throw InputErrors.badParquetFile(f.file(), f.error(), null);
      }
      String textType = f.columns().get(textCol);
      if (textType == null) {
        throw InputErrors.missingColumn(
            f.file(), textCol, Keys.INPUT_TEXT_COLUMN.key(), f.columns().keySet());
      }
      if (!textType.equals("string")) {
        throw InputErrors.wrongColumnType(
            f.file(), textCol, Keys.INPUT_TEXT_COLUMN.key(), textType);
      }
      if (!generateIds && !f.columns().containsKey(idCol)) {
        throw InputErrors.noIdColumn(f.file(), idCol);
      }
      for (Map.Entry<String, String> c : f.columns().entrySet()) {
        Footer other = firstWith.putIfAbsent(c.getKey(), f);
        if (other != null && !other.columns().get(c.getKey()).equals(c.getValue())) {
          throw InputErrors.conflictingColumnTypes(
              c.getKey(), other.file(), other.columns().get(c.getKey()), f.file(), c.getValue());
        }
      }
      rows += f.rows();
      if (first == null) {
        first = f.columns();
      } else if (!first.equals(f.columns())) {
        same = false;
      }
    }
    return new Result(same, rows);
  }

  static Footer read(String file, SerializableHadoopConf conf) {
    try (ParquetFileReader r =
        ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf.get()))) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      long rows = r.getRecordCount();
      Map<String, String> cols = new LinkedHashMap<>();
      for (Type t : schema.getFields()) {
        cols.put(t.getName(), describe(t));
      }
      return new Footer(file, cols, rows, null);
    } catch (Exception e) {
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Footer(file, Map.of(), 0, msg);
    }
  }

  private static String describe(Type t) {
    if (!t.isPrimitive()) {
      return "group";
    }
    PrimitiveType p = t.asPrimitiveType();
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    if (p.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
        && a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
      return "string";
    }
    List<String> parts = new ArrayList<>();
    parts.add(p.getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT));
    if (a != null) {
      parts.add(a.toString());
    }
    return String.join(" ", parts);
  }
}
