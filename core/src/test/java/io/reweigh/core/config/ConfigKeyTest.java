package io.reweigh.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConfigKeyTest {
  @Test
  void aSignalDerivedKeyComputesItsDefaultAndParserOnFirstUseOnly() {
    AtomicInteger defaults = new AtomicInteger();
    AtomicInteger parsers = new AtomicInteger();
    ConfigKey<List<String>> k =
        ConfigKey.fromSignals(
            "x.names",
            () -> {
              defaults.incrementAndGet();
              return List.of("a");
            },
            () -> {
              parsers.incrementAndGet();
              return ValueParser.subsetOf("a", "b");
            },
            "names");
    assertEquals(0, defaults.get() + parsers.get(), "declaring the key computes nothing");
    assertEquals(List.of("a"), k.defaultValue());
    assertEquals(List.of("b", "a"), k.parse("b,a"));
    assertThrows(IllegalArgumentException.class, () -> k.parse("c"));
    k.defaultValue();
    k.expected();
    assertEquals(1, defaults.get());
    assertEquals(1, parsers.get());
  }

  @Test
  void everyKeyIsRegisteredOnceInDocumentedOrder() {
    List<String> names = Keys.names();
    assertEquals(names.size(), Keys.all().size());
    assertEquals("stages", names.get(0));
    // evaluate's and tune's keys come after the sampler's, before the signals' own
    int seed = names.indexOf("sampler.seed");
    int arms = names.indexOf("evaluate.arms");
    int eps = names.indexOf("tune.doremi.epsilon");
    assertEquals(true, seed >= 0 && seed < arms && arms < eps, names.toString());
    assertEquals(EvaluateKeys.EVAL_ARMS, Keys.find("evaluate.arms"));
  }
}
