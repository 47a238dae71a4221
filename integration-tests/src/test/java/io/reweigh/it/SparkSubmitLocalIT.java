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

    // a second run in another JVM writes the same bytes (JVM-dependent Parquet footers are
    // normalised)
    Path out2 = tmp.resolve("out2");
    Launcher.Result again =
        Launcher.submit(
            tmp.resolve("run2.log"),
            List.of("--master", "local[1]", "--driver-memory", "1g"),
            runArgs(input, out2));
    assertEquals(0, again.code(), again.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> m2 =
        new ObjectMapper().readValue(out2.resolve("manifest.json").toFile(), Map.class);
    assertEquals(
        shards.stream().map(s -> s.get("sha256")).toList(),
        ((List<Map<String, Object>>) m2.get("shards")).stream().map(s -> s.get("sha256")).toList());

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
}
