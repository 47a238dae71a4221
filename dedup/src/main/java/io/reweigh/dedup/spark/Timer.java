package io.reweigh.dedup.spark;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall-clock laps of a stage's steps, kept in its stats ("timings_s") to say where time goes. */
final class Timer {
  private final Map<String, Object> laps;
  private long last = System.nanoTime();

  @SuppressWarnings("unchecked")
  Timer(Map<String, Object> stats) {
    this.laps =
        (Map<String, Object>)
            stats.computeIfAbsent("timings_s", k -> new LinkedHashMap<String, Object>());
  }

  void lap(String name) {
    long now = System.nanoTime();
    laps.put(name, Math.round((now - last) / 1e6) / 1000.0);
    last = now;
  }
}
