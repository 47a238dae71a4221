package io.reweigh.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    assertEquals("auto", c.get(Keys.INPUT_FORMAT));
    assertEquals(100.0, c.get(Keys.SAMPLER_MAX_WEIGHT_RATIO));
    assertNull(c.get(Keys.SAMPLER_SHARD_ROWS), "unset: the sampler uses 100000 rows");
    assertEquals(0L, c.get(Keys.SAMPLER_SEED));
    assertEquals("id", c.get(Keys.INPUT_ID_COLUMN));
  }

  @Test
  void setOverridesFileOverridesDefaults() throws IOException {
    File f = tmp.resolve("r.conf").toFile();
    Files.writeString(
        f.toPath(), "sampler.seed = 5\ninput { format = jsonl }\nsampler.shard-rows = 10\n");
    ResolvedConfig c = ConfigLoader.load(f, List.of("sampler.seed=3", "stages=[]"));
    assertEquals(3L, c.get(Keys.SAMPLER_SEED));
    assertEquals("jsonl", c.get(Keys.INPUT_FORMAT));
    assertEquals(10, c.get(Keys.SAMPLER_SHARD_ROWS));
    assertEquals(List.of(), c.stages());
  }

  @Test
  void domainTargetsArePathsOrWholeObjectsInFilesAndSet() throws IOException {
    File f = tmp.resolve("mix.conf").toFile();
    Files.writeString(
        f.toPath(),
        "sampler {\n  domain-targets { web: 0.6, \"code.py\": 0.4 }\n  shard-tokens = 9\n}\n");
    ResolvedConfig c = ConfigLoader.load(f, List.of());
    assertEquals(java.util.Map.of("web", 0.6, "code.py", 0.4), c.get(Keys.SAMPLER_DOMAIN_TARGETS));
    assertEquals(9L, c.get(Keys.SAMPLER_SHARD_TOKENS));
    assertEquals(
        "hdfs://nn/mix.json",
        ConfigLoader.load(null, List.of("sampler.domain-targets=hdfs://nn/mix.json"))
            .get(Keys.SAMPLER_DOMAIN_TARGETS));
    assertEquals(
        java.util.Map.of("a", 1.0),
        ConfigLoader.load(null, List.of("sampler.domain-targets={a: 1}"))
            .get(Keys.SAMPLER_DOMAIN_TARGETS));
    ReweighException e =
        assertThrows(
            ReweighException.class,
            () -> ConfigLoader.load(null, List.of("sampler.domain-targets={a: lots}")));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("sampler.domain-targets"), e.getMessage());
    assertTrue(e.getMessage().contains("shares from 0 to 1"), e.getMessage());
  }

  @Test
  void setValuesAreHocon() {
    ResolvedConfig c =
        ConfigLoader.load(
            null,
            List.of(
                "stages=[]",
                "sampler.max-weight-ratio=1e3",
                "input.generate-ids=true",
                "input.text-column=\"body text\"",
                "input.id-column=hdfs://not/a/comment"));
    assertEquals(List.of(), c.stages());
    assertEquals(1e3, c.get(Keys.SAMPLER_MAX_WEIGHT_RATIO));
    assertEquals(true, c.get(Keys.INPUT_GENERATE_IDS));
    assertEquals("body text", c.get(Keys.INPUT_TEXT_COLUMN));
    assertEquals("hdfs://not/a/comment", c.get(Keys.INPUT_ID_COLUMN));
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
  void hashesOfReadsChangeOnlyWithTheKeysRead() {
    ResolvedConfig a = ResolvedConfig.defaults();
    java.util.function.Function<ResolvedConfig, String> plan =
        c -> {
          ResolvedConfig r = c.recording();
          r.get(Keys.INPUT_TEXT_COLUMN);
          r.get(Keys.TOKENIZER_LOWERCASE);
          assertEquals(List.of("input.text-column", "tokenizer.lowercase"), r.keysRead());
          return r.hashOfReads();
        };
    assertEquals(plan.apply(a), plan.apply(a.with("sampler.shard-rows", 7)));
    assertNotEquals(plan.apply(a), plan.apply(a.with("tokenizer.lowercase", true)));
    assertThrows(IllegalStateException.class, a::keysRead, "only a recording view knows");
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
