package io.reweigh.core.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SignalOutputsTest {
  @Test
  void aDropColumnComesWithItsLabelAndOptionallyADetail() {
    Signal.Outputs o =
        new Signal.Outputs(
            "w", List.of(), "d", "high influence", "top 0.01; influence.x", List.of());
    assertEquals("high influence", o.dropLabel());
    assertEquals("top 0.01; influence.x", o.dropDetail());
    Signal.Outputs plain = new Signal.Outputs("w", List.of(), "d", "plain", null, List.of());
    assertNull(plain.dropDetail());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Signal.Outputs("w", List.of(), "d", null, null, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Signal.Outputs("w", List.of(), null, null, "detail", List.of()));
    assertNull(Signal.Outputs.weight("w").dropColumn());
  }
}
