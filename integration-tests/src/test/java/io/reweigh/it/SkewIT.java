package io.reweigh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Skew and memory: a corpus where one 4-gram occurs in every document and one document is 5 MB.
 * Exact commonness must finish with a 2 GB driver (local mode), and no task may take ten times the
 * median task of its Spark stage (read from Spark's event log; tasks under 2 s are noise).
 */
class SkewIT {
  @TempDir Path tmp;

  static final String[] WORDS = new String[400];

  static {
    Random r = new Random(7);
    for (int i = 0; i < WORDS.length; i++) {
      StringBuilder w = new StringBuilder();
      int len = 3 + r.nextInt(7);
      for (int j = 0; j < len; j++) {
        w.append((char) ('a' + r.nextInt(26)));
      }
      WORDS[i] = w.toString();
    }
  }

  static String words(Random r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(WORDS[r.nextInt(WORDS.length)]).append(i % 17 == 16 ? ". " : " ");
    }
    return sb.toString();
  }

  @Test
  void exactCommonnessSurvivesAHotNgramAndAHugeDocumentIn2g() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Random r = new Random(11);
    ObjectMapper om = new ObjectMapper();
    try (BufferedWriter w =
        Files.newBufferedWriter(in.resolve("skew.jsonl"), StandardCharsets.UTF_8)) {
      for (int i = 0; i < 6000; i++) {
        Map<String, String> doc = new HashMap<>();
        doc.put("id", "d" + i);
        doc.put("text", "Licensed under the Apache License. " + words(r, 40 + r.nextInt(200)));
        w.write(om.writeValueAsString(doc));
        w.write('\n');
      }
      StringBuilder huge = new StringBuilder("Licensed under the Apache License. ");
      while (huge.length() < 5_000_000) {
        huge.append(words(r, 1000));
      }
      w.write(om.writeValueAsString(Map.of("id", "huge", "text", huge.toString())));
      w.write('\n');
    }
    Path events = Files.createDirectories(tmp.resolve("events"));
    Path out = tmp.resolve("out");
    Launcher.Result run =
        Launcher.submit(
            tmp.resolve("skew.log"),
            List.of(
                "--master",
                "local[2]",
                "--driver-memory",
                "2g",
                "--conf",
                "spark.eventLog.enabled=true",
                "--conf",
                "spark.eventLog.dir=" + events.toUri(),
                "--conf",
                "spark.eventLog.compress=false",
                "--conf",
                "spark.eventLog.rolling.enabled=false"),
            List.of(
                "run",
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--set",
                "stages=[commonness]"));
    assertEquals(0, run.code(), run.out());
    JsonNode counts = om.readTree(out.resolve("manifest.json").toFile()).get("counts");
    assertEquals(6001, counts.get("output_rows").asLong());

    // task durations per Spark stage from the event log
    Map<String, List<Long>> byStage = new HashMap<>();
    try (var files = Files.walk(events)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonNode e = om.readTree(line);
          if (e.path("Event").asText().equals("SparkListenerTaskEnd")) {
            JsonNode info = e.get("Task Info");
            long ms = info.get("Finish Time").asLong() - info.get("Launch Time").asLong();
            String stage = e.get("Stage ID").asText() + "." + e.get("Stage Attempt ID").asText();
            byStage.computeIfAbsent(stage, k -> new ArrayList<>()).add(ms);
          }
        }
      }
    }
    assertTrue(byStage.size() > 10, "event log read: " + byStage.size() + " stages");
    List<String> skewed = new ArrayList<>();
    for (Map.Entry<String, List<Long>> s : byStage.entrySet()) {
      List<Long> t = new ArrayList<>(s.getValue());
      if (t.size() < 2) {
        continue;
      }
      t.sort(null);
      long median = t.get(t.size() / 2);
      long max = t.get(t.size() - 1);
      if (max > 2000 && max >= 10 * median) {
        skewed.add("stage " + s.getKey() + ": max " + max + " ms, median " + median + " ms, " + t);
      }
    }
    assertEquals(List.of(), skewed, "no task ≥ 10× the median of its stage");
  }
}
