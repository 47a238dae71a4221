package io.reweigh.jobs;

import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.signal.Signal;
import io.reweigh.core.signal.Signals;
import io.reweigh.core.spark.SignalStage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The Spark stage of each registered signal: the {@link SignalStage}s of {@code
 * META-INF/services/io.reweigh.core.spark.SignalStage}, matched to their {@link Signal} by name and
 * loaded once.
 */
public final class SignalStages {
  private SignalStages() {}

  private static final class Registry {
    static final Map<String, SignalStage<?>> STAGES = load();

    private static Map<String, SignalStage<?>> load() {
      Map<String, SignalStage<?>> m = new LinkedHashMap<>();
      for (SignalStage<?> st : ServiceLoader.load(SignalStage.class)) {
        SignalStage<?> before = m.putIfAbsent(st.signal(), st);
        if (before != null) {
          throw new IllegalStateException(
              "two Spark stages registered for signal "
                  + st.signal()
                  + ": "
                  + before.getClass().getName()
                  + " and "
                  + st.getClass().getName());
        }
      }
      return m;
    }
  }

  public static Signal signal(String name) {
    Signal s = Signals.find(name);
    if (s == null) {
      throw PipelineErrors.usage(
          "Stage '" + name + "' is not available in this build.",
          "Use stages from: " + String.join(", ", Signals.names()) + ".");
    }
    return s;
  }

  public static SignalStage<?> stage(Signal s) {
    SignalStage<?> st = Registry.STAGES.get(s.name());
    if (st == null) {
      throw new IllegalStateException(
          "signal "
              + s.name()
              + " ("
              + s.getClass().getName()
              + ") has no Spark stage: register its SignalStage in its module's"
              + " META-INF/services/io.reweigh.core.spark.SignalStage");
    }
    return st;
  }

  /** Every registered stage's signal name (tests check it against {@link Signals#names()}). */
  public static java.util.Set<String> names() {
    return Registry.STAGES.keySet();
  }
}
