package io.reweigh.core.stage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.reweigh.core.json.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a stage reports about its run, as written to {@code stages/<name>/_STATS.json} and the
 * manifest's {@code stages.<name>}: rows written, seconds, and stage-specific details (score and
 * weight summaries, timings, model facts) that the pipeline passes through without reading. Values
 * that the pipeline does read have typed records ({@link #details(Class)}).
 */
public record StageStats(long rows, double seconds, Map<String, Object> details) {
  public StageStats {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static StageStats of(long rows, Map<String, Object> details) {
    return new StageStats(rows, 0, details);
  }

  public StageStats withSeconds(double s) {
    return new StageStats(rows, Math.round(s * 1000) / 1000.0, details);
  }

  /** The details read as a typed record (snake_case JSON names, unknown names ignored). */
  public <T> T details(Class<T> type) {
    return Json.MAPPER.convertValue(details, type);
  }

  /** rows, seconds, then the details: the JSON form. */
  @JsonValue
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("seconds", seconds);
    m.putAll(details);
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
        d);
  }
}
