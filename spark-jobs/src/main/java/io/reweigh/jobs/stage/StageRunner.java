package io.reweigh.jobs.stage;

import io.reweigh.core.Columns;
import io.reweigh.core.Version;
import io.reweigh.core.hash.Sha256;
import io.reweigh.core.stage.StageStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Runs a stage with the commit protocol of docs/architecture.md: the stage writes into a fresh
 * folder under {@code _tmp/}; on success its {@code data/} becomes {@code stages/<name>/} (any
 * other folder X it wrote becomes the top-level X, e.g. rejects/), then {@code _STATS.json} and
 * last {@code _COMMITTED} (the fingerprint) are written. A crash anywhere leaves no {@code
 * _COMMITTED}, so the next run recomputes; a rerun whose fingerprint matches skips the stage.
 */
public final class StageRunner {

  /** The work of one stage: write into tmp/data (and optional siblings); return its stats. */
  @FunctionalInterface
  public interface StageBody {
    StageStats compute(Path tmpDir) throws IOException;
  }

  /** What happened: stats (from this run or the committed one) and whether it was skipped. */
  public record Outcome(String name, String fingerprint, StageStats stats, boolean skipped) {}

  private final OutputDir out;
  private final boolean force;
  private final Progress progress;

  public StageRunner(OutputDir out, boolean force, Progress progress) {
    this.out = out;
    this.force = force;
    this.progress = progress;
  }

  /** Fingerprint: hash of stage name, project version and the given parts (config, inputs). */
  public static String fingerprint(String stage, String... parts) {
    StringBuilder sb = new StringBuilder(stage).append('\n').append(Version.get()).append('\n');
    for (String p : parts) {
      sb.append(p).append('\n');
    }
    return Sha256.hex(sb.toString());
  }

  public Path stageDir(String name) {
    return out.resolve(Columns.STAGES_DIR + "/" + name);
  }

  /** The committed fingerprint of a stage, or null. */
  public String committedFingerprint(String name) {
    Path marker = new Path(stageDir(name), Columns.COMMITTED);
    if (!out.exists(marker)) {
      return null;
    }
    Object fp = out.readJson(marker).get("fingerprint");
    return fp == null ? null : fp.toString();
  }

  public Outcome run(String name, String fingerprint, StageBody body) {
    Path dir = stageDir(name);
    if (!force && fingerprint.equals(committedFingerprint(name))) {
      StageStats stats = StageStats.fromMap(out.readJson(new Path(dir, Columns.STATS)));
      progress.line(name + ": committed result is current, skipped (use --force to recompute)");
      return new Outcome(name, fingerprint, stats, true);
    }
    Path tmp = out.newTemp(name);
    long t0 = System.nanoTime();
    progress.stageStarted(name);
    StageStats stats;
    try {
      out.fs().mkdirs(tmp);
      stats = body.compute(tmp);
    } catch (IOException e) {
      out.delete(tmp);
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      out.delete(tmp);
      throw e;
    } catch (Exception e) {
      // Spark throws SparkException (checked) from Scala without declaring it
      out.delete(tmp);
      throw new IllegalStateException(e.getMessage(), e);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    stats = stats.withSeconds(seconds);
    commit(name, fingerprint, tmp, stats);
    progress.stageFinished(name, stats.rows(), seconds);
    return new Outcome(name, fingerprint, stats, false);
  }

  private void commit(String name, String fingerprint, Path tmp, StageStats stats) {
    Path dir = stageDir(name);
    out.delete(new Path(dir, Columns.COMMITTED)); // invalidate first
    out.delete(dir);
    try {
      for (FileStatus child : out.fs().listStatus(tmp)) {
        String n = child.getPath().getName();
        if (n.equals("data")) {
          out.rename(child.getPath(), dir);
        } else {
          Path target = out.resolve(n);
          out.delete(target);
          out.rename(child.getPath(), target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!out.exists(dir)) {
      throw new IllegalStateException("stage " + name + " wrote no data/ folder");
    }
    out.writeJson(new Path(dir, Columns.STATS), stats);
    Map<String, Object> marker = new LinkedHashMap<>();
    marker.put("stage", name);
    marker.put("fingerprint", fingerprint);
    marker.put("version", Version.get());
    marker.put("committed_at", java.time.Instant.now().toString());
    out.writeJson(new Path(dir, Columns.COMMITTED), marker);
    out.delete(tmp);
  }
}
