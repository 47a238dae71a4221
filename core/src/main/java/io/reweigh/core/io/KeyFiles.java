package io.reweigh.core.io;

import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.hash.Sha256;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small files that config keys name (a tokenizer.json, a TorchScript model), read whole on the
 * driver from any Hadoop file system. The Hadoop configuration is the Spark session's once the job
 * has set it ({@link #useConfiguration}), so {@code spark.hadoop.*} settings apply; before that
 * (unit tests, tools) a default one, which reads core-site.xml from the classpath.
 */
public final class KeyFiles {
  private static volatile Configuration conf;

  /** sha256 by qualified path, length and modification time: a plan hashes a file once. */
  private static final java.util.Map<String, String> SHAS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private KeyFiles() {}

  /** A file's bytes and their sha256. */
  public record Content(String path, byte[] bytes, String sha256) {}

  public static void useConfiguration(Configuration c) {
    conf = c;
  }

  /**
   * The whole file at {@code path}; exit 2 naming {@code key} when there is no file there. Files
   * over 2 GB cannot be held in one array and are refused naming the size.
   */
  public static Content read(String key, String path, String what) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(configuration());
      long len = status(fs, p, key, path, what).getLen();
      if (len > Integer.MAX_VALUE - 16) {
        throw PipelineErrors.keyFileInvalid(
            key,
            path,
            what,
            "it has " + len + " bytes (at most 2 GB).",
            "Use a smaller file.",
            null);
      }
      byte[] bytes = new byte[(int) len];
      try (FSDataInputStream in = fs.open(p)) {
        in.readFully(bytes);
      }
      return new Content(path, bytes, Sha256.hex(new ByteArrayInputStream(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path + " (" + key + ")", e);
    }
  }

  /**
   * The sha256 of the file at {@code path} (same errors as {@link #read}), computed once per
   * version of the file (path, length, modification time) in this JVM and streamed, never held.
   */
  public static String sha256(String key, String path, String what) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(configuration());
      FileStatus st = status(fs, p, key, path, what);
      String id = fs.makeQualified(p) + "\n" + st.getLen() + "\n" + st.getModificationTime();
      String sha = SHAS.get(id);
      if (sha == null) {
        try (FSDataInputStream in = fs.open(p)) {
          sha = Sha256.hex(in);
        }
        SHAS.put(id, sha);
      }
      return sha;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path + " (" + key + ")", e);
    }
  }

  private static Configuration configuration() {
    return conf != null ? conf : new Configuration();
  }

  private static FileStatus status(FileSystem fs, Path p, String key, String path, String what)
      throws IOException {
    FileStatus st;
    try {
      st = fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      throw PipelineErrors.keyFileMissing(key, path, what);
    }
    if (st.isDirectory()) {
      throw PipelineErrors.keyFileInvalid(
          key, path, what, "it is a directory.", "Point " + key + " at the file itself.", null);
    }
    return st;
  }
}
