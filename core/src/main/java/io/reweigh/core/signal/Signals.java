package io.reweigh.core.signal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The signals on the class path (ServiceLoader entries), in {@link Signal#order()}. Loaded once; a
 * module that is not on the class path simply contributes no signal.
 */
public final class Signals {
  private Signals() {}

  private static final Map<String, Signal> BY_NAME = load();

  private static Map<String, Signal> load() {
    List<Signal> found = new ArrayList<>();
    ServiceLoader.load(Signal.class, Signals.class.getClassLoader()).forEach(found::add);
    found.sort(Comparator.comparingInt(Signal::order).thenComparing(Signal::name));
    Map<String, Signal> m = new LinkedHashMap<>();
    for (Signal s : found) {
      if (!s.name().matches("[a-z][a-z0-9-]*")) {
        throw new IllegalStateException("signal name '" + s.name() + "' is not lower-case");
      }
      if (m.put(s.name(), s) != null) {
        throw new IllegalStateException("two signals named " + s.name());
      }
    }
    return m;
  }

  public static List<Signal> all() {
    return List.copyOf(BY_NAME.values());
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** The signal, or null. */
  public static Signal find(String name) {
    return BY_NAME.get(name);
  }
}
