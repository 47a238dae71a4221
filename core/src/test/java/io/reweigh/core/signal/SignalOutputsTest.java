package io.reweigh.core.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SignalOutputsTest {
  @Test
  void dropReasonSplitsIntoLabelAndDetail() {
    Signal.Outputs o =
        new Signal.Outputs("w", List.of(), "d", "high influence (top 0.01; influence.x)");
    assertEquals("high influence", o.dropLabel());
    assertEquals("top 0.01; influence.x", o.dropDetail());
  }

  @Test
  void dropReasonWithoutDetail() {
    Signal.Outputs o = new Signal.Outputs("w", List.of(), "d", " plain ");
    assertEquals("plain", o.dropLabel());
    assertNull(o.dropDetail());
  }
}
