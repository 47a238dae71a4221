package io.reweigh.jobs.input;

import static io.reweigh.jobs.input.Ingest.*;
import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.apache.spark.sql.RowFactory;
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
    String idField = cfg.idColumn();
    String textField = cfg.textColumn();
    String domainField = cfg.domainColumn();
    boolean generateIds = cfg.generateIds();
    StructType inferred =
        spark
            .read()
            .option("mode", "DROPMALFORMED")
            .json(lines.mapPartitions(new CountLines(splitLines), Encoders.STRING()))
            .schema();
    Map<String, TreeMap<Long, Long>> counts = new HashMap<>();
    for (Map.Entry<String, Long> e : splitLines.value().entrySet()) {
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
    Broadcast<Map<String, Long>> bases =
        new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).broadcast(base);
    StructType extras = new StructType();
    for (StructField f : inferred.fields()) {
      if (carried(f.name(), cfg)) {
        extras = extras.add(f);
      }
    }

    // pass 2: parse every line
    StructType parsedSchema =
        new StructType()
            .add(Columns.ID, DataTypes.StringType)
            .add(Columns.TEXT, DataTypes.StringType)
            .add(Columns.DOMAIN, DataTypes.StringType)
            .add(Columns.SOURCE_FILE, DataTypes.StringType)
            .add(Columns.SOURCE_ROW, DataTypes.LongType)
            .add(BAD_UTF8, DataTypes.BooleanType)
            .add(PARSE_REASON, DataTypes.StringType)
            .add(Columns.RAW, DataTypes.StringType);
    JsonlLineParser parser =
        new JsonlLineParser(
            idField,
            textField,
            domainField,
            generateIds,
            cfg.replaceInvalidUtf8(),
            bases,
            extras.size() > 0);
    Dataset<Row> parsed = lines.mapPartitions(parser, Encoders.row(parsedSchema));
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

  /** Parses JSONL lines of one partition; keeps their file order to number them. */
  static final class JsonlLineParser implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String idField;
    private final String textField;
    private final String domainField;
    private final boolean generateIds;
    private final boolean replaceInvalidUtf8;
    private final Broadcast<Map<String, Long>> bases;

    /**
     * Whether rows carry their whole line (extra columns are read from it with from_json); without
     * extras the line is only ever written cut to RAW_CHARS (a reject's raw), so it is cut here and
     * Spark does not encode every line a second time beside its text.
     */
    private final boolean wholeLine;

    JsonlLineParser(
        String idField,
        String textField,
        String domainField,
        boolean generateIds,
        boolean replaceInvalidUtf8,
        Broadcast<Map<String, Long>> bases,
        boolean wholeLine) {
      this.idField = idField;
      this.textField = textField;
      this.domainField = domainField;
      this.generateIds = generateIds;
      this.replaceInvalidUtf8 = replaceInvalidUtf8;
      this.bases = bases;
      this.wholeLine = wholeLine;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> in) {
      ObjectMapper om = mapper();
      Map<String, Long> base = bases.value();
      return new Iterator<>() {
        String curKey = null;
        long line = 0;

        @Override
        public boolean hasNext() {
          return in.hasNext();
        }

        @Override
        public Row next() {
          Row r = in.next();
          String value = r.getString(0);
          String file = r.getString(1);
          String key = file + "\u0000" + r.getLong(3);
          if (!key.equals(curKey)) {
            curKey = key;
            Long b = base.get(key);
            line = b == null ? 0 : b;
          }
          line++;
          Row parsed = parse(om, value, file, r.getString(2), line, !r.getBoolean(4));
          int last = parsed.length() - 1;
          String raw = parsed.getString(last);
          if (wholeLine || raw == null || raw.length() <= RAW_CHARS) {
            return parsed;
          }
          Object[] v = new Object[parsed.length()];
          for (int i = 0; i < last; i++) {
            v[i] = parsed.get(i);
          }
          v[last] = firstCodePoints(raw, RAW_CHARS);
          return RowFactory.create(v);
        }
      };
    }

    /**
     * A JSON reader whose string limit is not Jackson's default 20 M characters: the document
     * length limit is input.max-doc-chars, applied with its own reason (contentReasons).
     */
    static ObjectMapper mapper() {
      return new ObjectMapper(
          com.fasterxml.jackson.core.JsonFactory.builder()
              .streamReadConstraints(
                  com.fasterxml.jackson.core.StreamReadConstraints.builder()
                      .maxStringLength(Integer.MAX_VALUE)
                      .build())
              .build());
    }

    Row parse(
        ObjectMapper om, String value, String file, String fileName, long line, boolean badBytes) {
      String id = generateIds ? fileName + "#" + line : null;
      if (!value.isEmpty() && value.charAt(0) == '\uFEFF') {
        value = value.substring(1); // a UTF-8 byte order mark at the start of a file
      }
      if (value.isBlank()) {
        return row(id, null, null, file, line, badBytes, R_BLANK_LINE, value);
      }
      JsonNode node;
      try {
        node = om.readTree(value);
      } catch (Exception e) {
        return row(id, null, null, file, line, badBytes, R_INVALID_JSON, value);
      }
      if (node == null || !node.isObject()) {
        return row(id, null, null, file, line, badBytes, R_NOT_OBJECT, value);
      }
      String reason = null;
      if (!generateIds) {
        JsonNode idNode = node.get(idField);
        if (idNode == null || idNode.isNull()) {
          reason = R_MISSING_ID;
        } else if (idNode.isTextual() || idNode.isNumber()) {
          id = idNode.asText();
        } else {
          reason = R_BAD_ID;
        }
      }
      JsonNode t = node.get(textField);
      String text = null;
      if (t == null) {
        reason = R_NO_TEXT_FIELD;
      } else if (t.isNull()) {
        reason = R_NULL_TEXT;
      } else if (!t.isTextual()) {
        reason = R_TEXT_NOT_STRING;
      } else {
        text = t.asText();
      }
      boolean bad = badBytes;
      if (text != null && value.indexOf("\\u") >= 0 && hasLoneSurrogate(text)) {
        bad = true; // a \\uD800 escape: no character, and UTF-8 cannot encode it
        if (replaceInvalidUtf8) {
          text = replaceLoneSurrogates(text);
        }
      }
      JsonNode d = node.get(domainField);
      String domain = d == null || d.isNull() ? null : (d.isTextual() ? d.asText() : d.toString());
      return row(id, text, domain, file, line, bad, reason, value);
    }

    static boolean hasLoneSurrogate(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          return true;
        }
      }
      return false;
    }

    /** s with every unpaired surrogate replaced by U+FFFD (as invalid bytes are decoded). */
    static String replaceLoneSurrogates(String s) {
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          b.append(c).append(s.charAt(++i));
        } else {
          b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
        }
      }
      return b.toString();
    }

    /** The first n code points of s (as Spark's substring(s, 1, n) counts characters). */
    static String firstCodePoints(String s, int n) {
      int end = 0;
      for (int i = 0; i < n && end < s.length(); i++) {
        end += Character.charCount(s.codePointAt(end));
      }
      return s.substring(0, end);
    }

    private static Row row(
        String id,
        String text,
        String domain,
        String file,
        long line,
        boolean badUtf8,
        String reason,
        String raw) {
      return RowFactory.create(id, text, domain, file, line, badUtf8, reason, raw);
    }
  }

  // ---- classification ------------------------------------------------------------------------
}
