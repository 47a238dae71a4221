package io.reweigh.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.error.ReweighException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Config errors for keys a signal declares (here the softdedup.* keys of {@link CommonnessSignal}):
 * the registry collects them, so they get the same wording as the base keys.
 */
class CommonnessConfigTest {
  @Test
  void unknownKeyListsValidKeysAndSuggests() {
    ReweighException e =
        assertThrows(
            ReweighException.class, () -> ConfigLoader.load(null, List.of("softdedup.ordr=3")));
    assertEquals(2, e.exitCode());
    assertTrue(
        e.getMessage()
            .startsWith(
                "Unknown config key 'softdedup.ordr' (--set softdedup.ordr=3).\n"
                    + "  cause: reweigh has no such setting; did you mean 'softdedup.order'?\n"
                    + "  fix:   Use one of: stages, input.format,"),
        e.getMessage());
    assertTrue(e.getMessage().contains("sampler.seed"));
  }

  @Test
  void outOfRangeValuesNameKeyValueAndExpectation() {
    ReweighException e =
        assertThrows(
            ReweighException.class, () -> ConfigLoader.load(null, List.of("softdedup.order=0")));
    assertEquals(
        "Invalid value for config key 'softdedup.order': 0 (--set softdedup.order=0).\n"
            + "  cause: expected an integer from 1 to 6.\n"
            + "  fix:   Set softdedup.order to an integer from 1 to 6, e.g. --set"
            + " softdedup.order=<value>.",
        e.getMessage());
    assertThrows(
        ReweighException.class, () -> ConfigLoader.load(null, List.of("softdedup.order=9")));
    ReweighException eps =
        assertThrows(
            ReweighException.class,
            () -> ConfigLoader.load(null, List.of("softdedup.sketch.eps=0")));
    assertTrue(eps.getMessage().contains("expected a number > 0 and < 1"), eps.getMessage());
    assertThrows(
        ReweighException.class, () -> ConfigLoader.load(null, List.of("softdedup.sketch.eps=-1")));
    ReweighException stage =
        assertThrows(
            ReweighException.class, () -> ConfigLoader.load(null, List.of("stages=[bogus]")));
    assertTrue(stage.getMessage().contains("'stages': ['bogus']"), stage.getMessage());
    assertThrows(
        ReweighException.class, () -> ConfigLoader.load(null, List.of("softdedup.mode=fast")));
  }
}
