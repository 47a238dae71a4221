package io.reweigh.jobs.stage;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;

/**
 * One writer per output folder (docs/guarantees.md, "One writer"): a lock file {@value #NAME} in
 * the folder, created only if absent, naming its owner (user, host, pid, command, start time) and
 * rewritten every {@link #HEARTBEAT_MS} ms while the run lives. A second run is refused (exit 2)
 * with the owner's details. A lock is stale, and is taken over, when its owner is a process of this
 * host that no longer exists, or when it has not been rewritten for {@link #STALE_MS} ms (a run
 * killed on another host). Taking over renames the stale file away first: of two runs that both
 * find it stale only one rename succeeds, and the other is refused.
 *
 * <p>What holds where: on local disks and HDFS, create-if-absent and rename are atomic, so two runs
 * never both hold the lock. On S3 (s3a) create-if-absent is a check then a put, so two runs started
 * within the same second may both get it; the heartbeat then finds the other's lock and the run
 * that lost stops with an error before its sampler replaces shards.
 */
public final class OutputLock implements AutoCloseable {
  public static final String NAME = ".reweigh-lock.json";
  static final long HEARTBEAT_MS = 10_000;
  static final long STALE_MS = 120_000;

  /** What the lock file says. */
  public record Owner(
      @JsonProperty("token") String token,
      @JsonProperty("user") String user,
      @JsonProperty("host") String host,
      @JsonProperty("pid") long pid,
      @JsonProperty("command") String command,
      @JsonProperty("started") String started,
      @JsonProperty("heartbeat") String heartbeat) {

    String describe() {
      return command + " by " + user + " on " + host + " (pid " + pid + "), started " + started;
    }
  }

  private final OutputDir out;
  private final Path file;
  private final Owner owner;
  private final Thread heartbeat;
  private volatile boolean lost;
  private volatile boolean closed;

  private OutputLock(OutputDir out, Owner owner) {
    this.out = out;
    this.file = out.resolve(NAME);
    this.owner = owner;
    this.heartbeat = new Thread(this::beat, "reweigh-output-lock");
    heartbeat.setDaemon(true);
  }

  /** Takes the lock of {@code out} for {@code command}, or fails (exit 2) naming its holder. */
  public static OutputLock acquire(OutputDir out, String command) {
    String now = Instant.now().toString();
    Owner me =
        new Owner(
            UUID.randomUUID().toString(),
            System.getProperty("user.name"),
            hostName(),
            ProcessHandle.current().pid(),
            command,
            now,
            now);
    OutputLock lock = new OutputLock(out, me);
    lock.take();
    lock.heartbeat.start();
    return lock;
  }

  private void take() {
    for (int attempt = 0; attempt < 3; attempt++) {
      if (createIfAbsent()) {
        return;
      }
      Owner holder = read();
      if (holder == null) {
        continue; // released between our create and our read
      }
      String stale = staleness(holder);
      if (stale == null) {
        throw PipelineErrors.usage(
            "Output folder '"
                + out.root()
                + "' is being written by another reweigh run: "
                + holder.describe()
                + ".",
            "Wait for it to finish, or write to another --output. If that run is dead on another"
                + " host, its lock ("
                + file
                + ") is taken over "
                + STALE_MS / 1000
                + " s after its last heartbeat ("
                + holder.heartbeat()
                + ").");
      }
      Path aside = out.resolve(NAME + ".stale-" + owner.token());
      try {
        if (out.fs().rename(file, aside)) {
          Owner moved = readFrom(aside);
          if (moved != null && !moved.token().equals(holder.token())) {
            // another run took the stale lock over between our read and our rename: theirs now
            out.fs().rename(aside, file);
            continue;
          }
          out.fs().delete(aside, false);
          System.err.println(
              "reweigh: taking over the lock of " + holder.describe() + " (" + stale + ")");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Owner holder = read();
    throw PipelineErrors.usage(
        "Output folder '"
            + out.root()
            + "' is being written by another reweigh run"
            + (holder == null ? "" : ": " + holder.describe())
            + ".",
        "Wait for it to finish, or write to another --output.");
  }

  /** Null when the holder is alive; otherwise why its lock is stale. */
  private static String staleness(Owner holder) {
    if (holder.host().equals(hostName())
        && ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true)) {
      return "process " + holder.pid() + " no longer runs";
    }
    long age = System.currentTimeMillis() - Instant.parse(holder.heartbeat()).toEpochMilli();
    return age > STALE_MS ? "no heartbeat for " + age / 1000 + " s" : null;
  }

  private boolean createIfAbsent() {
    try (var o = out.fs().create(file, false)) {
      o.write(Json.MAPPER.writeValueAsBytes(owner));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (exists()) {
        return false; // some file systems report "exists" as a plain IOException
      }
      throw new UncheckedIOException(e);
    }
  }

  private boolean exists() {
    try {
      return out.fs().exists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Owner read() {
    return readFrom(file);
  }

  private Owner readFrom(Path p) {
    for (int attempt = 0; ; attempt++) {
      try (var in = out.fs().open(p)) {
        return Json.MAPPER.readValue(
            new String(in.readAllBytes(), StandardCharsets.UTF_8), Owner.class);
      } catch (java.io.FileNotFoundException e) {
        return null;
      } catch (IOException e) {
        if (attempt < 5) {
          sleep(200); // read while its owner rewrote it: read again
          continue;
        }
        // a lock file that stays unreadable (truncated by a crash while written): stale
        return new Owner("?", "?", "?", -1, "an unknown run", "?", Instant.EPOCH.toString());
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void beat() {
    while (!closed) {
      try {
        Thread.sleep(HEARTBEAT_MS);
      } catch (InterruptedException e) {
        return;
      }
      if (closed) {
        return;
      }
      Owner holder = read();
      if (holder == null || !holder.token().equals(owner.token())) {
        lost = true;
        return;
      }
      Owner beat =
          new Owner(
              owner.token(),
              owner.user(),
              owner.host(),
              owner.pid(),
              owner.command(),
              owner.started(),
              Instant.now().toString());
      try (var o = out.fs().create(file, true)) {
        o.write(Json.MAPPER.writeValueAsBytes(beat));
      } catch (IOException e) {
        // the next beat retries; a lock not rewritten for STALE_MS may be taken over
      }
    }
  }

  /**
   * Fails when another run has taken this lock over (its owner thought us dead): called before a
   * step that replaces what others read (the shards, the manifest).
   */
  public void check() {
    Owner holder = read();
    if (lost || holder == null || !holder.token().equals(owner.token())) {
      lost = true;
      throw PipelineErrors.usage(
          "Another reweigh run took over the lock of output folder '"
              + out.root()
              + "'"
              + (holder == null ? "" : " (" + holder.describe() + ")")
              + "; this run stops before replacing its files.",
          "Run one writer per --output at a time.");
    }
  }

  /** Releases the lock if this run still holds it. */
  @Override
  public void close() {
    closed = true;
    heartbeat.interrupt();
    Owner holder = read();
    if (holder != null && holder.token().equals(owner.token())) {
      try {
        out.fs().delete(file, false);
      } catch (IOException e) {
        // a stale lock of a finished process is taken over by the next run
      }
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}
