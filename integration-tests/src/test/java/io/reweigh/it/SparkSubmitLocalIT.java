package io.reweigh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar through SparkSubmit in local mode, as in the README. */
class SparkSubmitLocalIT {
  @TempDir Path tmp;

  static String sha256(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      md.update(in.readAllBytes());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static List<String> runArgs(Path input, Path out) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "run",
                "--input",
                input.toString(),
                "--output",
                out.toString(),
                "--set",
                "sampler.shard-rows=400",
                "--set",
                "input.max-doc-chars=29999"));
    args.addAll(Launcher.SMALL_INFLUENCE);
    return args;
  }

  @Test
  void runsThePipelineAndExitsWithTheDocumentedCodes() throws Exception {
    Path input = tmp.resolve("input");
    Launcher.Result gen =
        Launcher.reweigh(
            tmp.resolve("gen.log"),
            "generate",
            "--output",
            input.toString(),
            "--docs",
            "900",
            "--files",
            "3",
            "--bad-rows");
    assertEquals(0, gen.code(), gen.out());

    Path out = tmp.resolve("out");
    Launcher.Result run =
        Launcher.submit(
            tmp.resolve("run.log"),
            List.of("--master", "local[2]", "--driver-memory", "1g"),
            runArgs(input, out));
    assertEquals(0, run.code(), run.out());
    assertTrue(run.out().contains("commonness: done"), run.out());

    @SuppressWarnings("unchecked")
    Map<String, Object> m =
        new ObjectMapper().readValue(out.resolve("manifest.json").toFile(), Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> counts = (Map<String, Object>) m.get("counts");
    assertEquals(909, ((Number) counts.get("input_rows")).intValue());
    assertEquals(900, ((Number) counts.get("output_rows")).intValue());
    assertEquals(9, ((Number) counts.get("rejected_rows")).intValue());
    assertEquals(true, counts.get("accounting_ok"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> shards = (List<Map<String, Object>>) m.get("shards");
    assertEquals(3, shards.size());
    for (Map<String, Object> s : shards) {
      assertEquals(s.get("sha256"), sha256(out.resolve((String) s.get("path"))));
    }

    // (that a second JVM writes the same bytes is shown by the resume below, which recomputes
    // influence in a new JVM, and by StandaloneClusterIT, whose local, client and cluster runs
    // each compute every stage in their own JVMs)

    // crash and resume: kill -9 the driver while the influence stage runs, rerun the same
    // command: committed stages are skipped, the half-written stage is recomputed, the bytes are
    // those of an uninterrupted run
    Path out3 = tmp.resolve("out3");
    List<String> submit = List.of("--master", "local[2]", "--driver-memory", "1g");
    killWhenTempAppears(
        Launcher.start(tmp.resolve("kill1.log"), submit, runArgs(input, out3)), out3, "influence-");
    assertTrue(Files.exists(out3.resolve("stages/proxy-model/_COMMITTED")));
    assertTrue(Files.notExists(out3.resolve("stages/influence/_COMMITTED")));
    Launcher.Result resumed =
        Launcher.submit(tmp.resolve("resume1.log"), submit, runArgs(input, out3));
    assertEquals(0, resumed.code(), resumed.out());
    for (String skipped : List.of("ingest", "commonness", "proxy-model")) {
      assertTrue(
          resumed.out().contains(skipped + ": committed result is current, skipped"),
          resumed.out());
    }
    assertTrue(resumed.out().contains("influence: started"), resumed.out());
    assertEquals(shardHashes(m), shardHashes(manifest(out3)), "resumed = uninterrupted");

    // kill -9 during the sampler of a rerun that reshards: the shards on disk stay a complete
    // set that matches the manifest; the next rerun finishes the job
    List<String> reshard = new java.util.ArrayList<>(runArgs(input, out3));
    reshard.addAll(List.of("--set", "sampler.shard-rows=300"));
    killWhenTempAppears(
        Launcher.start(tmp.resolve("kill2.log"), submit, reshard), out3, "sampler-");
    Map<String, Object> before = manifest(out3);
    for (Map<String, Object> s : shardList(before)) {
      assertEquals(s.get("sha256"), sha256(out3.resolve((String) s.get("path"))));
    }
    Launcher.Result finished = Launcher.submit(tmp.resolve("resume2.log"), submit, reshard);
    assertEquals(0, finished.code(), finished.out());
    assertEquals(3, shardList(manifest(out3)).size(), "900 rows at 300 per shard");

    // a secret in the Hadoop configuration appears in no log line, manifest or report
    String secret = "FAKE-s3a-SECRET-9f2c";
    Path out4 = tmp.resolve("out4");
    List<String> secretArgs = new java.util.ArrayList<>(runArgs(input, out4));
    secretArgs.addAll(List.of("--set", "stages=[]"));
    Launcher.Result withSecret =
        Launcher.submit(
            tmp.resolve("secret.log"),
            List.of(
                "--master",
                "local[1]",
                "--conf",
                "spark.hadoop.fs.s3a.secret.key=" + secret,
                "--conf",
                "spark.hadoop.dfs.client.password=" + secret),
            secretArgs);
    assertEquals(0, withSecret.code(), withSecret.out());
    assertTrue(!withSecret.out().contains(secret), "log");
    assertTrue(!Files.readString(out4.resolve("manifest.json")).contains(secret), "manifest");
    assertTrue(!Files.readString(out4.resolve("report.html")).contains(secret), "report");

    Launcher.Result missing =
        Launcher.submit(
            tmp.resolve("missing.log"),
            List.of("--master", "local[1]"),
            List.of(
                "run",
                "--input",
                tmp.resolve("nope").toString(),
                "--output",
                tmp.resolve("o2").toString()));
    assertEquals(3, missing.code(), missing.out());
    assertTrue(missing.out().contains("does not exist"), missing.out());

    Launcher.Result badKey =
        Launcher.submit(
            tmp.resolve("badkey.log"),
            List.of("--master", "local[1]"),
            List.of("validate", "--input", input.toString(), "--set", "softdedup.order=0"));
    assertEquals(2, badKey.code(), badKey.out());
  }

  /** Waits until the run's _tmp/ holds a folder named prefix*, then kills the JVM (SIGKILL). */
  /**
   * docs/guarantees.md determinism through the CLI: local[1] with whole-file splits and local[4]
   * with 16 KB splits write byte-identical shards, in resample mode with domain targets and
   * token-sized shards (the sampler's prefix sums, systematic sampling and cuts), with commonness
   * computed.
   */
  @Test
  void shardsDoNotDependOnParallelismOrSplitSize() throws Exception {
    Path input = tmp.resolve("par-input");
    Launcher.Result gen =
        Launcher.reweigh(
            tmp.resolve("par-gen.log"),
            "generate",
            "--output",
            input.toString(),
            "--docs",
            "600",
            "--files",
            "2");
    assertEquals(0, gen.code(), gen.out());
    Path targets = tmp.resolve("mixture.json");
    Files.writeString(targets, "{\"web\": 0.5, \"code\": 0.2, \"science\": 0.3}");
    List<Map<String, Object>> manifests = new java.util.ArrayList<>();
    String[][] runs = {
      {"local[1]", "134217728"},
      {"local[4]", "16384"}
    };
    for (String[] run : runs) {
      Path out = tmp.resolve("par-" + run[0].replaceAll("\\W", ""));
      Launcher.Result r =
          Launcher.cli(
              tmp.resolve("par-" + run[1] + ".log"),
              List.of("-Dspark.sql.files.maxPartitionBytes=" + run[1]),
              List.of(
                  "run",
                  "--master",
                  run[0],
                  "--input",
                  input.toString(),
                  "--output",
                  out.toString(),
                  "--set",
                  "stages=[]",
                  "--set",
                  "sampler.mode=resample",
                  "--set",
                  "sampler.target-tokens=400000",
                  "--set",
                  "sampler.shard-tokens=50000",
                  "--set",
                  "sampler.domain-targets=\"" + targets + "\""));
      assertEquals(0, r.code(), r.out());
      manifests.add(manifest(out));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> set =
        ((List<Map<String, Object>>) manifests.get(0).get("shard_sets")).get(0);
    long tokens = ((Number) set.get("tokens")).longValue();
    assertTrue(Math.abs(tokens - 400_000) <= 2_000, set.toString());
    assertTrue(shardHashes(manifests.get(0)).size() >= 8, manifests.get(0).toString());
    assertEquals(shardHashes(manifests.get(0)), shardHashes(manifests.get(1)));
  }

  static void killWhenTempAppears(Process p, Path out, String prefix) throws Exception {
    long deadline = System.nanoTime() + 600_000_000_000L;
    Path tmpDir = out.resolve("_tmp");
    boolean seen = false;
    while (!seen && p.isAlive() && System.nanoTime() < deadline) {
      if (Files.isDirectory(tmpDir)) {
        try (var s = Files.list(tmpDir)) {
          seen = s.anyMatch(f -> f.getFileName().toString().startsWith(prefix));
        } catch (java.nio.file.NoSuchFileException e) {
          seen = false;
        }
      }
      Thread.sleep(seen ? 500 : 100);
    }
    assertTrue(seen && p.isAlive(), "the run reached " + prefix + " and was still running");
    p.destroyForcibly();
    p.waitFor();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> manifest(Path out) throws Exception {
    return new ObjectMapper().readValue(out.resolve("manifest.json").toFile(), Map.class);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> shardList(Map<String, Object> m) {
    return (List<Map<String, Object>>) m.get("shards");
  }

  static List<Object> shardHashes(Map<String, Object> m) {
    return shardList(m).stream().map(s -> s.get("sha256")).toList();
  }
}
