package io.reweigh.sampler;

import io.reweigh.core.config.ConfigKey;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.signal.Signal;
import java.util.List;

/**
 * A signal registered only in this module's tests (src/test/resources/META-INF/services): shows
 * that one ServiceLoader line gives a signal its stage name and sampler.alpha key.
 */
public final class FakeSignal implements Signal {
  @Override
  public String name() {
    return "fake";
  }

  @Override
  public String description() {
    return "test signal";
  }

  @Override
  public int order() {
    return 1;
  }

  @Override
  public boolean enabledByDefault() {
    return true;
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of();
  }

  @Override
  public Outputs outputs(ResolvedConfig cfg) {
    return Outputs.weight("weight_" + name());
  }
}
