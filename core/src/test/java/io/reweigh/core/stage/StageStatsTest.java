package io.reweigh.core.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.reweigh.core.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageStatsTest {
  /** The manifest's writer: the project mapper with map entries sorted by key. */
  static final ObjectMapper SORTED =
      Json.MAPPER.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  @JsonPropertyOrder(alphabetic = true)
  record Part(long zeta, double alpha) {}

  record Unsorted(long second, long first) {}

  record Details(
      long zRows, Double meanScore, Long optional, Part part, Unsorted unsorted, List<String> names)
      implements StageDetails {}

  record Other(long zRows) implements StageDetails {}

  static Details details() {
    return new Details(7, 1.0, null, new Part(3, 0.5), new Unsorted(2, 1), List.of("b", "a"));
  }

  @Test
  void aRecordIsWrittenLikeTheMapItReplaces() throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("z_rows", 7L);
    map.put("mean_score", 1.0);
    map.put("part", Map.of("zeta", 3L, "alpha", 0.5));
    map.put("unsorted", new Unsorted(2, 1));
    map.put("names", List.of("b", "a"));
    String typed = SORTED.writeValueAsString(new StageStats(5, 1.25, details()));
    assertEquals(SORTED.writeValueAsString(StageStats.of(5, map).withSeconds(1.25)), typed);
    assertEquals(
        "{\"mean_score\":1.0,\"names\":[\"b\",\"a\"],\"part\":{\"alpha\":0.5,\"zeta\":3},\"rows\":5,"
            + "\"seconds\":1.25,\"unsorted\":{\"second\":2,\"first\":1},\"z_rows\":7}",
        typed.replaceAll("\\s", ""),
        "sorted top level, null left out, nested records in their declared order");
  }

  @Test
  void readBackTheDetailsParseIntoTheRecord() throws Exception {
    String json = SORTED.writeValueAsString(new StageStats(5, 1.25, details()));
    StageStats read = SORTED.readValue(json, StageStats.class);
    assertEquals(5, read.rows());
    assertEquals(1.25, read.seconds());
    assertEquals(details(), read.details(Details.class));
  }

  @Test
  void readBackAndWrittenAgainTheBytesAreTheSameWhenNestedRecordsAreSorted() throws Exception {
    Details sorted = new Details(7, 1.0, null, new Part(3, 0.5), null, List.of("b", "a"));
    String json = SORTED.writeValueAsString(new StageStats(5, 1.25, sorted));
    StageStats read = SORTED.readValue(json, StageStats.class);
    assertEquals(json, SORTED.writeValueAsString(read));
    // a nested record in declared order comes back as a map, which the writer sorts
    String unsorted = SORTED.writeValueAsString(new StageStats(5, 1.25, details()));
    String again = SORTED.writeValueAsString(SORTED.readValue(unsorted, StageStats.class));
    assertEquals(
        unsorted.replace(
            "\"second\" : 2,\n    \"first\" : 1", "\"first\" : 1,\n    \"second\" : 2"),
        again);
  }

  @Test
  void computedDetailsAreTheRecordItselfAndNoOtherRecord() {
    Details d = details();
    StageStats s = StageStats.of(1, d);
    assertSame(d, s.details(Details.class));
    assertThrows(IllegalArgumentException.class, () -> s.details(Other.class));
  }
}
