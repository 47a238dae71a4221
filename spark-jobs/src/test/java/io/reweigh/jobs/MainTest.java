package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.spark.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    SharedSpark.session(); // the CLI reuses the test session (getOrCreate)
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    try {
      System.setOut(new PrintStream(out, true));
      System.setErr(new PrintStream(err, true));
      int code = Main.execute(args, System.out, System.err);
      return new Result(code, out.toString(), err.toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void helpAndVersion() {
    Result r = cli("--help");
    assertEquals(0, r.code());
    assertTrue(
        r.out().contains("demo") && r.out().contains("validate") && r.out().contains("run"),
        r.out());
    assertEquals(0, cli("run", "--help").code());
    assertTrue(cli("--version").out().startsWith("reweigh "));
  }

  @Test
  void usageAndConfigErrorsExit2() {
    assertEquals(2, cli("run", "--input", "x").code(), "missing --output");
    assertEquals(2, cli("frobnicate").code());
    Result r = cli("validate", "--input", tmp.toString(), "--set", "softdedup.order=9");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Invalid value for config key 'softdedup.order': 9"), r.err());
    Result k = cli("validate", "--input", tmp.toString(), "--set", "sampler.shardrows=1");
    assertEquals(2, k.code());
    assertTrue(k.err().contains("did you mean 'sampler.shard-rows'?"), k.err());
  }

  @Test
  void inputErrorsExit3() {
    Result r =
        cli(
            "run",
            "--input",
            tmp.resolve("missing").toString(),
            "--output",
            tmp.resolve("o").toString());
    assertEquals(3, r.code());
    assertTrue(
        r.err().contains("Input path '" + tmp.resolve("missing") + "' does not exist."), r.err());
  }

  @Test
  void validateCountsRejectsAndWritesNothing() {
    Path in = tmp.resolve("in");
    new DemoCorpus(4).writeJsonl(in, 200, 2, DemoCorpus.DEFAULT_BAD_ROWS);
    Result r = cli("validate", "--input", in.toString(), "--set", "input.max-doc-chars=20000");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().matches("(?s).*rows: 209, usable 200 \\([0-9,]+ tokens\\), would be rejected 9.*"),
        r.out());
    assertTrue(r.out().contains("invalid JSON"), r.out());
    // the resolved config, what the user changed marked, and an estimate per stage
    assertTrue(r.out().matches("(?s).*\\* input\\.max-doc-chars +20000\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*\n    softdedup\\.order +4\n.*"), r.out());
    for (String stage : java.util.List.of("ingest", "commonness", "influence", "sampler")) {
      assertTrue(
          r.out()
              .matches(
                  "(?s).*estimated work and memory per stage:.*\\n  "
                      + stage
                      + " .*\\n +memory: driver .*"),
          stage + ": " + r.out());
    }
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void configDocIsCurrent() throws Exception {
    Path doc = Path.of("..", "docs", "config.md");
    assertEquals(
        io.reweigh.jobs.cli.ConfigDocCommand.configDoc(),
        Files.readString(doc),
        "regenerate: bin/reweigh config-doc > docs/config.md");
  }

  @Test
  void shippedConfigFilesAreValidAndDefaultsMatch() {
    java.io.File conf = Path.of("..", "conf").toFile();
    assertEquals(
        io.reweigh.core.config.ResolvedConfig.defaults(),
        io.reweigh.core.config.ConfigLoader.load(
            new java.io.File(conf, "reweigh.conf"), java.util.List.of()));
    assertEquals(
        "sketch",
        io.reweigh.core.config.ConfigLoader.load(
                new java.io.File(conf, "local.conf"), java.util.List.of())
            .get(io.reweigh.dedup.CommonnessSignal.MODE));
    io.reweigh.core.config.ConfigLoader.load(
        new java.io.File(conf, "cluster.conf"), java.util.List.of());
  }
}
