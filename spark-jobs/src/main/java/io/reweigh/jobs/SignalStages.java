package io.reweigh.jobs;

import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.signal.Signal;
import io.reweigh.core.signal.Signals;
import io.reweigh.core.spark.SignalStage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The Spark stage of each registered signal ({@link Signal#stageClass()}), created once. */
public final class SignalStages {
  private SignalStages() {}

  private static final Map<String, SignalStage<?>> STAGES = new ConcurrentHashMap<>();

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
    return STAGES.computeIfAbsent(
        s.name(),
        n -> {
          try {
            Object o = Class.forName(s.stageClass()).getDeclaredConstructor().newInstance();
            if (!(o instanceof SignalStage<?> st)) {
              throw new IllegalStateException(s.stageClass() + " is not a SignalStage");
            }
            return st;
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                "signal " + n + ": cannot create its stage " + s.stageClass(), e);
          }
        });
  }
}
