package io.reweigh.jobs.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The line parser and the split numbering of JSONL input, without Spark. */
class JsonlLineParserTest {
  static final Ingest.Settings CFG =
      new Ingest.Settings("id", "text", "domain", false, 100, false, null);
  final JsonlLineParser parser = new JsonlLineParser(CFG, null, true);
  final ObjectMapper om = JsonlLineParser.mapper();

  String reason(String line) {
    return parse(line).getString(6);
  }

  Row parse(String line) {
    return parser.parse(om, line, "file:/in/a.jsonl", "a.jsonl", 7, false);
  }

  @Test
  void everyLineGetsItsReasonLabel() {
    assertEquals(RejectReason.BLANK_LINE.label(), reason("  "));
    assertEquals(RejectReason.INVALID_JSON.label(), reason("{\"id\":"));
    assertEquals(RejectReason.NOT_OBJECT.label(), reason("[1,2]"));
    assertEquals(RejectReason.MISSING_ID.label(), reason("{\"text\":\"x\"}"));
    assertEquals(RejectReason.NO_TEXT_FIELD.label(), reason("{\"id\":\"1\"}"));
    assertEquals(RejectReason.NULL_TEXT.label(), reason("{\"id\":\"1\",\"text\":null}"));
    assertEquals(RejectReason.TEXT_NOT_STRING.label(), reason("{\"id\":\"1\",\"text\":3}"));
    assertEquals(RejectReason.BAD_ID.label(), reason("{\"id\":[1],\"text\":\"x\"}"));
    assertNull(reason("{\"id\":2,\"text\":\"x\",\"domain\":\"d\"}"));
  }

  @Test
  void usableLineCarriesIdTextDomainAndPosition() {
    Row r = parse("\uFEFF{\"id\":2,\"text\":\"x\",\"domain\":5}");
    assertEquals("2", r.getString(0));
    assertEquals("x", r.getString(1));
    assertEquals("5", r.getString(2));
    assertEquals("file:/in/a.jsonl", r.getString(3));
    assertEquals(7L, r.getLong(4));
    assertFalse(r.getBoolean(5));
  }

  @Test
  void loneSurrogateEscapeMarksTheText() {
    Row r = parse("{\"id\":\"1\",\"text\":\"a\\uD800b\"}");
    assertTrue(r.getBoolean(5));
    assertTrue(JsonlLineParser.hasLoneSurrogate(r.getString(1)));
    assertEquals("a\uFFFDb", JsonlLineParser.replaceLoneSurrogates(r.getString(1)));
  }

  @Test
  void splitsAreNumberedAfterTheEarlierSplitsOfTheirFile() {
    long[] rows = {0};
    Map<String, Long> base =
        JsonlSource.splitBases(
            Map.of("f\u00000", 3L, "f\u0000100", 4L, "f\u000050", 2L, "g\u00000", 1L), rows);
    assertEquals(10, rows[0]);
    assertEquals(0L, base.get("f\u00000"));
    assertEquals(3L, base.get("f\u000050"));
    assertEquals(5L, base.get("f\u0000100"));
    assertEquals(0L, base.get("g\u00000"));
  }
}
