package io.reweigh.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.error.ReweighException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path tmp;

  @Test
  void defaultsMatchTheDesignTable() {
    ResolvedConfig c = ConfigLoader.load(null, List.of());
    assertEquals(4, c.get(Keys.SOFTDEDUP_ORDER));
    assertEquals("exact", c.get(Keys.SOFTDEDUP_MODE));
    assertEquals(1e-6, c.get(Keys.SOFTDEDUP_SKETCH_EPS));
    assertEquals(100_000, c.get(Keys.SAMPLER_SHARD_ROWS));
    assertEquals(0L, c.get(Keys.SAMPLER_SEED));
    assertEquals("id", c.get(Keys.INPUT_ID_COLUMN));
  }

  @Test
  void setOverridesFileOverridesDefaults() throws IOException {
    File f = tmp.resolve("r.conf").toFile();
    Files.writeString(
        f.toPath(), "softdedup.order = 5\nsoftdedup { mode = sketch }\nsampler.shard-rows = 10\n");
    ResolvedConfig c = ConfigLoader.load(f, List.of("softdedup.order=3", "stages=[]"));
    assertEquals(3, c.get(Keys.SOFTDEDUP_ORDER));
    assertEquals("sketch", c.get(Keys.SOFTDEDUP_MODE));
    assertEquals(10, c.get(Keys.SAMPLER_SHARD_ROWS));
    assertEquals(List.of(), c.stages());
  }

  @Test
  void setValuesAreHocon() {
    ResolvedConfig c =
        ConfigLoader.load(
            null,
            List.of(
                "stages=[commonness]",
                "softdedup.sketch.eps=1e-5",
                "input.generate-ids=true",
                "input.text-column=\"body text\"",
                "input.id-column=hdfs://not/a/comment"));
    assertEquals(List.of("commonness"), c.stages());
    assertEquals(1e-5, c.get(Keys.SOFTDEDUP_SKETCH_EPS));
    assertEquals(true, c.get(Keys.INPUT_GENERATE_IDS));
    assertEquals("body text", c.get(Keys.INPUT_TEXT_COLUMN));
    assertEquals("hdfs://not/a/comment", c.get(Keys.INPUT_ID_COLUMN));
  }

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

  @Test
  void unknownKeyInFileNamesTheFile() throws IOException {
    File f = tmp.resolve("bad.conf").toFile();
    Files.writeString(f.toPath(), "sampler { shardrows = 3 }\n");
    ReweighException e =
        assertThrows(ReweighException.class, () -> ConfigLoader.load(f, List.of()));
    assertTrue(e.getMessage().contains("'sampler.shardrows' (config file " + f.getPath() + ")"));
  }

  @Test
  void brokenFileAndBadSetAreUsageErrors() throws IOException {
    File f = tmp.resolve("broken.conf").toFile();
    Files.writeString(f.toPath(), "a = [1, 2\n");
    ReweighException e =
        assertThrows(ReweighException.class, () -> ConfigLoader.load(f, List.of()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().startsWith("Cannot read config file '" + f.getPath() + "'."));
    ReweighException missing =
        assertThrows(
            ReweighException.class,
            () -> ConfigLoader.load(tmp.resolve("nope.conf").toFile(), List.of()));
    assertTrue(missing.getMessage().contains("no such file"));
    ReweighException set =
        assertThrows(ReweighException.class, () -> ConfigLoader.load(null, List.of("noequals")));
    assertTrue(set.getMessage().startsWith("Cannot read --set 'noequals'."));
  }

  @Test
  void scopeHashesChangeOnlyWithTheirKeys() {
    ResolvedConfig a = ResolvedConfig.defaults();
    ResolvedConfig b = a.with("sampler.shard-rows", 7);
    List<String> dedupScopes =
        List.of(Keys.SCOPE_INPUT, Keys.SCOPE_TOKENIZER, Keys.SCOPE_SOFTDEDUP);
    assertEquals(a.hashOfScopes(dedupScopes), b.hashOfScopes(dedupScopes));
    assertNotEquals(
        a.hashOfScopes(dedupScopes), a.with("softdedup.order", 3).hashOfScopes(dedupScopes));
  }

  @Test
  void everyKeyIsDocumentedInTheGeneratedTable() {
    String table = Keys.markdownTable();
    for (ConfigKey<?> k : Keys.all()) {
      assertTrue(table.contains("`" + k.key() + "`"), k.key());
      // defaults parse back to themselves
      assertEquals(k.defaultValue(), k.defaultValue() == null ? null : k.parse(k.defaultValue()));
    }
  }
}
