package io.reweigh.jobs.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.error.ReweighException;
import io.reweigh.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-writer promise of docs/guarantees.md, on the local file system through Hadoop's API. */
class OutputLockTest {

  @TempDir Path tmp;

  private OutputDir dir() {
    return new OutputDir(tmp.resolve("out").toUri().toString(), new Configuration());
  }

  private Path lockFile() {
    return tmp.resolve("out").resolve(OutputLock.NAME);
  }

  private void writeLock(OutputLock.Owner owner) throws Exception {
    Files.write(lockFile(), Json.MAPPER.writeValueAsBytes(owner));
  }

  @Test
  void secondWriterIsRefusedWithTheHolderNamedAndTheLockIsReleasedOnClose() throws Exception {
    OutputDir out = dir();
    try (OutputLock first = OutputLock.acquire(out, "reweigh run")) {
      assertTrue(Files.exists(lockFile()));
      ReweighException e =
          assertThrows(ReweighException.class, () -> OutputLock.acquire(dir(), "reweigh resume"));
      assertEquals(2, e.exitCode());
      assertTrue(e.getMessage().contains("being written by another reweigh run"), e.getMessage());
      assertTrue(e.getMessage().contains("reweigh run by "), e.getMessage());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      first.check(); // still ours
    }
    assertFalse(Files.exists(lockFile()));
    // released: the next run gets it
    OutputLock.acquire(dir(), "reweigh run").close();
  }

  @Test
  void lockOfAnotherHostWithoutHeartbeatIsTakenOverButAFreshOneIsNot() throws Exception {
    dir();
    String old = Instant.now().minusMillis(OutputLock.STALE_MS + 60_000).toString();
    writeLock(new OutputLock.Owner("t-dead", "u", "other-host", 1, "reweigh run", old, old));
    try (OutputLock lock = OutputLock.acquire(dir(), "reweigh run")) {
      String now = new String(Files.readAllBytes(lockFile()), StandardCharsets.UTF_8);
      assertFalse(now.contains("t-dead"), now);
      assertTrue(now.contains(OutputLock.hostName()), now);
      lock.check();
    }
    // no leftovers of the takeover
    try (var files = Files.list(tmp.resolve("out"))) {
      assertEquals(0, files.count());
    }

    String fresh = Instant.now().toString();
    writeLock(new OutputLock.Owner("t-live", "u", "other-host", 1, "reweigh run", fresh, fresh));
    ReweighException e =
        assertThrows(ReweighException.class, () -> OutputLock.acquire(dir(), "reweigh run"));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("on other-host"), e.getMessage());
  }

  @Test
  void lockOfAProcessOfThisHostThatNoLongerRunsIsTakenOver() throws Exception {
    dir();
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    String now = Instant.now().toString();
    writeLock(
        new OutputLock.Owner(
            "t-gone", "u", OutputLock.hostName(), p.pid(), "reweigh run", now, now));
    try (OutputLock lock = OutputLock.acquire(dir(), "reweigh run")) {
      lock.check();
    }
  }

  @Test
  void aRunWhoseLockWasTakenOverStopsAtItsNextCheck() throws Exception {
    OutputLock mine = OutputLock.acquire(dir(), "reweigh run");
    String now = Instant.now().toString();
    writeLock(new OutputLock.Owner("t-other", "u", "other-host", 1, "reweigh run", now, now));
    ReweighException e = assertThrows(ReweighException.class, mine::check);
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("took over the lock"), e.getMessage());
    mine.close();
    // close() leaves the other run's lock alone
    assertTrue(
        new String(Files.readAllBytes(lockFile()), StandardCharsets.UTF_8).contains("t-other"));
  }
}
