package io.reweigh.jobs.input;

import static io.reweigh.jobs.input.Ingest.*;
import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * JSONL input (plain, gzip, bzip2, zstd) as {@link Ingest}'s canonical rows: each line parsed by
 * {@link JsonlLineParser} with its file and line number, invalid UTF-8 found on the bytes, and a
 * line that is not a usable object kept as a reject row with its reason.
 */
final class JsonlSource {
  private JsonlSource() {}

  static Dataset<Row> readJsonl(
      SparkSession spark, InputPlan plan, Settings cfg, long[] inputRows) {
    Dataset<Row> lines =
        spark
            .read()
            .text(plan.files())
            .select(
                col("value"),
                col("_metadata.file_path").as("f"),
                col("_metadata.file_name").as("fn"),
                col("_metadata.file_block_start").as("b"),
                // the bytes as read: getString decodes them, replacing invalid ones with U+FFFD
                functions.call_function("is_valid_utf8", col("value")).as("u"));

    // pass 1: the schema of the other fields (Spark's own inference over the lines), and, in the
    // same job, the lines of each (file, split) → 1-based line number of each split's first line
    SplitLineCounts splitLines = new SplitLineCounts();
    // unnamed: Spark shows named accumulators in its status store, reading the map from another
    // thread while tasks merge into it (ConcurrentModificationException in AppStatusListener)
    spark.sparkContext().register(splitLines);
    StructType inferred =
        spark
            .read()
            .option("mode", "DROPMALFORMED")
            .json(lines.mapPartitions(new CountLines(splitLines), Encoders.STRING()))
            .schema();
    Broadcast<Map<String, Long>> bases =
        new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext())
            .broadcast(splitBases(splitLines.value(), inputRows));
    StructType extras = new StructType();
    for (StructField f : inferred.fields()) {
      if (carried(f.name(), cfg)) {
        extras = extras.add(f);
      }
    }

    // pass 2: parse every line
    JsonlLineParser parser = new JsonlLineParser(cfg, bases, extras.size() > 0);
    return withExtras(lines.mapPartitions(parser, Encoders.row(PARSED)), extras);
  }

  /**
   * Lines before each split of a file ("file NUL split start" → lines of the earlier splits), from
   * the lines of each split; adds every line to {@code inputRows[0]}.
   */
  static Map<String, Long> splitBases(Map<String, Long> splitLines, long[] inputRows) {
    Map<String, TreeMap<Long, Long>> counts = new HashMap<>();
    for (Map.Entry<String, Long> e : splitLines.entrySet()) {
      int cut = e.getKey().lastIndexOf('\u0000');
      counts
          .computeIfAbsent(e.getKey().substring(0, cut), k -> new TreeMap<>())
          .put(Long.parseLong(e.getKey().substring(cut + 1)), e.getValue());
      inputRows[0] += e.getValue();
    }
    Map<String, Long> base = new HashMap<>();
    for (Map.Entry<String, TreeMap<Long, Long>> e : counts.entrySet()) {
      long before = 0;
      for (Map.Entry<Long, Long> sp : e.getValue().entrySet()) {
        base.put(e.getKey() + "\u0000" + sp.getKey(), before);
        before += sp.getValue();
      }
    }
    return base;
  }

  /** The rows {@link JsonlLineParser} makes. */
  static final StructType PARSED =
      new StructType()
          .add(Columns.ID, DataTypes.StringType)
          .add(Columns.TEXT, DataTypes.StringType)
          .add(Columns.DOMAIN, DataTypes.StringType)
          .add(Columns.SOURCE_FILE, DataTypes.StringType)
          .add(Columns.SOURCE_ROW, DataTypes.LongType)
          .add(BAD_UTF8, DataTypes.BooleanType)
          .add(PARSE_REASON, DataTypes.StringType)
          .add(Columns.RAW, DataTypes.StringType);

  /** The parsed rows in canonical column order, the carried fields read from the raw line. */
  private static Dataset<Row> withExtras(Dataset<Row> parsed, StructType extras) {
    List<Column> cols = new ArrayList<>();
    for (String c : new String[] {Columns.ID, Columns.TEXT, Columns.DOMAIN}) {
      cols.add(col(c));
    }
    if (extras.size() > 0) {
      Column obj = functions.from_json(col(Columns.RAW), extras);
      for (StructField f : extras.fields()) {
        cols.add(obj.getField(f.name()).as(f.name()));
      }
    }
    for (String c :
        new String[] {
          Columns.SOURCE_FILE, Columns.SOURCE_ROW, BAD_UTF8, PARSE_REASON, Columns.RAW
        }) {
      cols.add(col(c));
    }
    return parsed.select(cols.toArray(Column[]::new));
  }

  /**
   * Passes each line's text on to schema inference and counts the lines of each (file, split) into
   * {@link SplitLineCounts}. A split's count is the same in every attempt of its task, so an
   * attempt that runs twice (retry, speculation) cannot inflate it.
   */
  static final class CountLines implements MapPartitionsFunction<Row, String> {
    private static final long serialVersionUID = 1L;
    private final SplitLineCounts counts;

    CountLines(SplitLineCounts counts) {
      this.counts = counts;
    }

    @Override
    public Iterator<String> call(Iterator<Row> in) {
      Map<String, Long> mine = new HashMap<>();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          boolean more = in.hasNext();
          if (!more && !mine.isEmpty()) {
            counts.add(mine);
            mine.clear();
          }
          return more;
        }

        @Override
        public String next() {
          Row r = in.next();
          mine.merge(r.getString(1) + "\u0000" + r.getLong(3), 1L, Long::sum);
          return r.getString(0);
        }
      };
    }
  }

  /**
   * Lines per "file NUL split start", merged by key: a key's value is set, never added to, so the
   * same split counted by two attempts of a task is counted once.
   */
  static final class SplitLineCounts
      extends org.apache.spark.util.AccumulatorV2<Map<String, Long>, Map<String, Long>> {
    private static final long serialVersionUID = 1L;
    private final HashMap<String, Long> counts = new HashMap<>();

    @Override
    public boolean isZero() {
      return counts.isEmpty();
    }

    @Override
    public SplitLineCounts copy() {
      SplitLineCounts c = new SplitLineCounts();
      c.counts.putAll(counts);
      return c;
    }

    @Override
    public void reset() {
      counts.clear();
    }

    @Override
    public void add(Map<String, Long> v) {
      counts.putAll(v);
    }

    @Override
    public void merge(org.apache.spark.util.AccumulatorV2<Map<String, Long>, Map<String, Long>> o) {
      counts.putAll(o.value());
    }

    @Override
    public Map<String, Long> value() {
      return counts;
    }
  }
}
