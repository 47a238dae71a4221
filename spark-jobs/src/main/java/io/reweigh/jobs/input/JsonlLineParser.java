package io.reweigh.jobs.input;

import static io.reweigh.jobs.input.Ingest.RAW_CHARS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Parses the JSONL lines of one partition into {@link JsonlSource}'s parsed rows (id, text, domain,
 * source_file, source_row, bad_utf8, parse reason, raw); keeps their file order to number them from
 * the first line number of each split.
 */
final class JsonlLineParser implements MapPartitionsFunction<Row, Row> {
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

  /**
   * @param bases "file NUL split start" → lines before that split in its file
   */
  JsonlLineParser(Ingest.Settings cfg, Broadcast<Map<String, Long>> bases, boolean wholeLine) {
    this.idField = cfg.idColumn();
    this.textField = cfg.textColumn();
    this.domainField = cfg.domainColumn();
    this.generateIds = cfg.generateIds();
    this.replaceInvalidUtf8 = cfg.replaceInvalidUtf8();
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
        return cutRaw(parse(om, value, file, r.getString(2), line, !r.getBoolean(4)));
      }
    };
  }

  /** The parsed row with its raw line cut to RAW_CHARS unless rows carry their whole line. */
  private Row cutRaw(Row parsed) {
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

  /**
   * A JSON reader whose string limit is not Jackson's default 20 M characters: the document length
   * limit is input.max-doc-chars, applied with its own reason (Ingest.contentReasons).
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
      return row(id, null, null, file, line, badBytes, RejectReason.BLANK_LINE, value);
    }
    JsonNode node;
    try {
      node = om.readTree(value);
    } catch (Exception e) {
      return row(id, null, null, file, line, badBytes, RejectReason.INVALID_JSON, value);
    }
    if (node == null || !node.isObject()) {
      return row(id, null, null, file, line, badBytes, RejectReason.NOT_OBJECT, value);
    }
    RejectReason reason = null;
    if (!generateIds) {
      JsonNode idNode = node.get(idField);
      if (idNode == null || idNode.isNull()) {
        reason = RejectReason.MISSING_ID;
      } else if (idNode.isTextual() || idNode.isNumber()) {
        id = idNode.asText();
      } else {
        reason = RejectReason.BAD_ID;
      }
    }
    JsonNode t = node.get(textField);
    String text = t != null && t.isTextual() ? t.asText() : null;
    if (text == null) {
      reason = textReason(t);
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

  /** Why a text field that is not a string gives no text. */
  private static RejectReason textReason(JsonNode t) {
    if (t == null) {
      return RejectReason.NO_TEXT_FIELD;
    }
    return t.isNull() ? RejectReason.NULL_TEXT : RejectReason.TEXT_NOT_STRING;
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
      RejectReason reason,
      String raw) {
    return RowFactory.create(
        id, text, domain, file, line, badUtf8, reason == null ? null : reason.label(), raw);
  }
}
