package io.reweigh.core.stage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.reweigh.core.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a stage reports about its run, as written to {@code stages/<name>/_STATS.json} and the
 * manifest's {@code stages.<name>}: rows written, seconds, and the stage's typed {@link
 * StageDetails} (score and weight summaries, timings, model facts). Read back from a file, the
 * details are JSON until a reader asks for its record ({@link #details(Class)}).
 */
public record StageStats(long rows, double seconds, StageDetails details) {
  public StageStats {
    if (details == null) {
      throw new IllegalArgumentException("stage details are required (StageDetails.NONE: none)");
    }
  }

  public static StageStats of(long rows, StageDetails details) {
    return new StageStats(rows, 0, details);
  }

  /** Details still carried as a map by a stage without its record yet: its JSON form. */
  public static StageStats of(long rows, Map<String, Object> details) {
    return new StageStats(rows, 0, new StageDetails.Json(details));
  }

  public StageStats withSeconds(double s) {
    return new StageStats(rows, Math.round(s * 1000) / 1000.0, details);
  }

  /**
   * The details as the stage's record: the record itself when this run computed the stage, parsed
   * from the JSON form (snake_case names, unknown names ignored) when it was read from a file.
   */
  public <T extends StageDetails> T details(Class<T> type) {
    if (type.isInstance(details)) {
      return type.cast(details);
    }
    if (details instanceof StageDetails.Json j) {
      return Json.MAPPER.convertValue(j.json(), type);
    }
    throw new IllegalArgumentException(
        "stage details are a " + details.getClass().getName() + ", not a " + type.getName());
  }

  /**
   * The details' top-level JSON names and their values, for what shows any stage's details without
   * knowing its record (report.html's stage table).
   */
  public Map<String, Object> detailsJson() {
    return topLevel(details);
  }

  /**
   * rows, seconds, then the details' top-level names with their values as they are (nested records
   * and maps are serialised by the writer): the JSON form.
   */
  @JsonValue
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("seconds", seconds);
    m.putAll(topLevel(details));
    return m;
  }

  /** Reads the JSON form back. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static StageStats fromMap(Map<String, Object> m) {
    Map<String, Object> d = new LinkedHashMap<>(m);
    Object rows = d.remove("rows");
    Object seconds = d.remove("seconds");
    return new StageStats(
        rows instanceof Number n ? n.longValue() : 0,
        seconds instanceof Number n ? n.doubleValue() : 0,
        new StageDetails.Json(d));
  }

  /**
   * A details record's properties by their JSON names (the mapper's naming strategy), one level
   * deep, nulls left out. One level only, so that nested values serialise exactly as the writer
   * serialises them anywhere else (maps sorted by key, records in their declared order).
   */
  private static Map<String, Object> topLevel(StageDetails details) {
    if (details instanceof StageDetails.Json j) {
      return j.json();
    }
    JavaType type = Json.MAPPER.constructType(details.getClass());
    Map<String, Object> m = new LinkedHashMap<>();
    for (BeanPropertyDefinition p :
        Json.MAPPER.getSerializationConfig().introspect(type).findProperties()) {
      if (p.getAccessor() == null) {
        continue;
      }
      p.getAccessor().fixAccess(true);
      Object v = p.getAccessor().getValue(details);
      if (v != null) {
        m.put(p.getName(), v);
      }
    }
    return m;
  }
}
