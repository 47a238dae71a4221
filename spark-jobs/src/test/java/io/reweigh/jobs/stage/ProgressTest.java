package io.reweigh.jobs.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void progressLineHasTasksRowsElapsedAndEta() {
    assertEquals(
        "commonness: 30/120 tasks, 1,234,567 rows read by this job, 12.0 s elapsed, ETA 36.0 s",
        Progress.format("commonness", 30, 120, 1_234_567, 12.0));
    assertEquals(
        "influence: 10/40 tasks, 0 rows read by this job, 1 min 40 s elapsed, ETA 5 min 00 s",
        Progress.format("influence", 10, 40, 0, 100));
    // before the first task ends, or with every submitted task done, there is no ETA
    assertEquals(
        "sampler: 0/8 tasks, 0 rows read by this job, 0.5 s elapsed, ETA –",
        Progress.format("sampler", 0, 8, 0, 0.5));
    assertEquals(
        "sampler: 9/9 tasks, 5 rows read by this job, 3.0 s elapsed, ETA –",
        Progress.format("sampler", 9, 4, 5, 3));
    assertEquals("2 h 03 min", Progress.duration(2 * 3600 + 3 * 60 + 10));
  }

  @Test
  void linesArePrefixedWithTheRunTimeAndQuietPrintsNothing() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Progress p = new Progress(new PrintStream(buf, true), Progress.Level.NORMAL);
    p.stageStarted("ingest");
    p.stageFinished("ingest", 1234, 2.5);
    String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length);
    assertTrue(lines[0].matches("\\[reweigh +\\d+\\.\\ds\\] ingest: started"), lines[0]);
    assertTrue(lines[1].endsWith("] ingest: done, 1,234 rows in 2.5 s"), lines[1]);

    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    Progress q = new Progress(new PrintStream(quiet, true), Progress.Level.QUIET);
    q.stageStarted("ingest");
    q.line("anything");
    q.stageFinished("ingest", 1, 1);
    assertEquals(0, quiet.size());
  }
}
