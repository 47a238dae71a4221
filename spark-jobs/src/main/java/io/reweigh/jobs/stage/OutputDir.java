package io.reweigh.jobs.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The output folder of a run on any Hadoop FileSystem, with small-file JSON helpers. */
public final class OutputDir {
  /** {@link Json#MAPPER} with map entries sorted by key (stable files). */
  public static final ObjectMapper JSON =
      Json.MAPPER.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final Path root;
  private final FileSystem fs;
  private final boolean created;

  public OutputDir(String uri, Configuration conf) {
    try {
      Path p = new Path(uri);
      this.fs = p.getFileSystem(conf);
      this.root = fs.makeQualified(p);
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw PipelineErrors.outputNotUsable(uri, "it is a file, not a directory.");
      }
      this.created = !fs.exists(root);
      if (created && !fs.mkdirs(root)) {
        throw PipelineErrors.outputNotUsable(uri, "the folder cannot be created there.");
      }
      // written to before any stage runs, not found unwritable after hours of ingest
      Path probe = new Path(root, ".reweigh-write-check-" + UUID.randomUUID());
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (org.apache.hadoop.security.AccessControlException e) {
      throw PipelineErrors.outputNotUsable(
          uri, "this user may not write there (" + e.getMessage() + ").");
    } catch (IOException e) {
      throw PipelineErrors.outputNotUsable(uri, e.toString());
    }
  }

  /** Whether this run created the folder (a failed run then removes it if it stays empty). */
  public boolean created() {
    return created;
  }

  public Path root() {
    return root;
  }

  public FileSystem fs() {
    return fs;
  }

  public Path resolve(String rel) {
    return new Path(root, rel);
  }

  /** A fresh folder under _tmp/ for a stage or the shards to write into. */
  public Path newTemp(String name) {
    return new Path(resolve(io.reweigh.core.Columns.TMP_DIR), name + "-" + UUID.randomUUID());
  }

  public String path(String rel) {
    return resolve(rel).toString();
  }

  public boolean exists(Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void delete(Path p) {
    try {
      if (fs.exists(p) && !fs.delete(p, true)) {
        throw new IOException("could not delete " + p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What reweigh writes at the top of an output folder; anything else is not ours. */
  static final java.util.Set<String> OURS =
      java.util.Set.of(
          Columns.STAGES_DIR,
          Columns.SHARDS_DIR,
          Columns.REJECTS_DIR,
          Columns.MANIFEST,
          Columns.REPORT,
          Columns.EVALUATION_DIR,
          Columns.TUNING_DIR,
          Columns.TMP_DIR);

  /**
   * Fails (exit 2) when the folder holds an entry reweigh does not write: a run replaces shards/
   * and rejects/ and would mix its files with someone else's. Empty folders, earlier runs and
   * crashed runs pass; hidden files (names starting with '.') are ignored.
   */
  public void checkHoldsOnlyReweighOutput() {
    try {
      for (FileStatus st : fs.listStatus(root)) {
        String n = st.getPath().getName();
        if (!n.startsWith(".") && !OURS.contains(n)) {
          throw PipelineErrors.outputNotUsable(
              root.toString(),
              "it holds '"
                  + n
                  + "', which reweigh did not write (a reweigh output has only "
                  + String.join(", ", new java.util.TreeSet<>(OURS))
                  + "); a run replaces shards/ and rejects/ there.");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rename that fails loudly (Hadoop's rename returns false instead of throwing). */
  public void rename(Path from, Path to) {
    try {
      if (to.getParent() != null) {
        fs.mkdirs(to.getParent());
      }
      if (!fs.rename(from, to)) {
        throw new IOException("rename " + from + " -> " + to + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void writeJson(Path p, Object value) {
    try (OutputStream out = fs.create(p, true)) {
      out.write(JSON.writeValueAsBytes(value));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code value} as JSON ({@link #JSON}), written atomically (manifest.json, summaries). */
  public void writeJsonAtomically(Path p, Object value) {
    try {
      writeAtomically(p, JSON.writeValueAsBytes(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + p + " as JSON", e);
    }
  }

  /** Writes a small file atomically: to a sibling temp name, then rename over the target. */
  public void writeAtomically(Path p, byte[] content) {
    Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
    try {
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(content);
      }
      if (fs.exists(p)) {
        fs.delete(p, false);
      }
      rename(tmp, p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Map<String, Object> readJson(Path p) {
    try (InputStream in = fs.open(p)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(in, Map.class);
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String readString(Path p) {
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
