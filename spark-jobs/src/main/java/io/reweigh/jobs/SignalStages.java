package io.reweigh.jobs;

import io.reweigh.core.error.PipelineErrors;
import java.util.LinkedHashMap;
import java.util.Map;

/** The signal stages this build can run, by name (the values of the {@code stages} key). */
public final class SignalStages {
  private SignalStages() {}

  private static final Map<String, SignalStage> STAGES = new LinkedHashMap<>();

  static {
    register(new CommonnessSignal());
    register(new InfluenceSignal());
  }

  private static void register(SignalStage s) {
    STAGES.put(s.name(), s);
  }

  public static SignalStage get(String name) {
    SignalStage s = STAGES.get(name);
    if (s == null) {
      throw PipelineErrors.usage(
          "Stage '" + name + "' is not available in this build.",
          "Use stages from: " + String.join(", ", STAGES.keySet()) + ".");
    }
    return s;
  }
}
