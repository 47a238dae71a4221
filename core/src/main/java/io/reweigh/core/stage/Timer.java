package io.reweigh.core.stage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock laps of a stage's steps, kept in its stats as {@code timings_s} (seconds, 3 decimals)
 * to say where the time goes. One per stage run; not thread-safe.
 */
public final class Timer {
  private final Map<String, Double> laps = new LinkedHashMap<>();
  private final long start = System.nanoTime();
  private long last = start;
  private double lastLap;

  /** Records the time since the previous lap (or the start) under {@code name}. */
  public Timer lap(String name) {
    long now = System.nanoTime();
    laps.put(name, round(now - last));
    lastLap = (now - last) / 1e9;
    last = now;
    return this;
  }

  /** Seconds of the latest lap. */
  public double lastLap() {
    return lastLap;
  }

  /** Seconds since the timer started. */
  public double elapsed() {
    return (System.nanoTime() - start) / 1e9;
  }

  /** The laps so far, plus {@code total}: the value of {@code timings_s}. */
  public Map<String, Double> timings() {
    Map<String, Double> m = new LinkedHashMap<>(laps);
    m.put("total", round(System.nanoTime() - start));
    return m;
  }

  /** Puts {@link #timings()} into {@code details} as {@code timings_s}. */
  public void into(Map<String, Object> details) {
    details.put("timings_s", timings());
  }

  private static double round(long nanos) {
    return Math.round(nanos / 1e6) / 1000.0;
  }
}
