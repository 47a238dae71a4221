package io.reweigh.core.stage;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one stage reports of its run beside rows and seconds: a record per stage, owned by the
 * module that runs the stage (for example {@code IngestDetails}, {@code CommonnessDetails}). Its
 * components are the keys of {@code stages.<name>} in manifest.json and {@code _STATS.json}
 * (snake_case, written sorted like every map there); a component that is null is left out.
 *
 * <p>Read back from a file, the details are {@link Json}: the JSON object as parsed, which a reader
 * turns into the stage's record with {@link StageStats#details(Class)}.
 */
public interface StageDetails {

  /** No details: a stage that reports rows and seconds only. */
  StageDetails NONE = new Json(Map.of());

  /**
   * Details as read from a JSON file, before a reader parses them into the stage's record: the one
   * place stage details are an untyped map, because it is the JSON plumbing between the file and
   * the record.
   */
  record Json(@JsonValue Map<String, Object> json) implements StageDetails {
    public Json {
      json = Collections.unmodifiableMap(new LinkedHashMap<>(json));
    }
  }
}
