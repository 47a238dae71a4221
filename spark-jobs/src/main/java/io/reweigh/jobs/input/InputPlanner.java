package io.reweigh.jobs.input;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.InputErrors;
import io.reweigh.core.io.InputFingerprint;
import io.reweigh.core.io.InputFingerprint.FileEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists the input on the driver: a file, a directory (recursively) or a glob, on any Hadoop
 * FileSystem. Decides the format, and fails early (exit 3) when there is nothing to read.
 */
public final class InputPlanner {
  private InputPlanner() {}

  public static InputPlan plan(String userPath, ResolvedConfig cfg, Configuration hadoopConf) {
    String format = cfg.get(Keys.INPUT_FORMAT);
    List<FileStatus> found = new ArrayList<>();
    boolean single = false;
    try {
      Path p = new Path(userPath);
      FileSystem fs = p.getFileSystem(hadoopConf);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw InputErrors.inputNotFound(userPath);
      }
      single = matches.length == 1 && !matches[0].isDirectory();
      for (FileStatus m : matches) {
        if (m.isDirectory()) {
          listRecursively(fs, m.getPath(), found);
        } else {
          found.add(m);
        }
      }
    } catch (IOException e) {
      throw InputErrors.unreadableFile(userPath, e.toString(), e);
    }
    List<FileEntry> parquet = new ArrayList<>();
    List<FileEntry> jsonl = new ArrayList<>();
    for (FileStatus f : found) {
      FileEntry e = new FileEntry(f.getPath().toString(), f.getLen(), f.getModificationTime());
      String kind = formatOf(f.getPath().getName());
      if (format.equals("auto")) {
        if (kind == null) {
          if (single) {
            throw InputErrors.unknownFormat(e.path());
          }
          continue; // README, checksums, … next to the data
        }
      } else if (kind == null || !kind.equals(format)) {
        if (single && kind == null) {
          kind = format; // an explicit format reads files of any name
        } else {
          continue;
        }
      }
      (kind.equals(InputPlan.PARQUET) ? parquet : jsonl).add(e);
    }
    if (format.equals("auto") && !parquet.isEmpty() && !jsonl.isEmpty()) {
      throw InputErrors.mixedFormats(userPath);
    }
    String chosen =
        format.equals("auto") ? (parquet.isEmpty() ? InputPlan.JSONL : InputPlan.PARQUET) : format;
    List<FileEntry> files = chosen.equals(InputPlan.PARQUET) ? parquet : jsonl;
    if (files.isEmpty()) {
      throw InputErrors.noInputFiles(userPath, format.equals("auto") ? "Parquet or JSONL" : format);
    }
    return new InputPlan(userPath, new InputFingerprint(chosen, files));
  }

  /**
   * Every visible file below {@code dir}, with plain listStatus calls: fs.listFiles builds a
   * LocatedFileStatus per file, which on a local disk without Hadoop's native library forks an `ls`
   * per file for its permissions (5,000 files: 12 s of 15 s planning, docs/benchmarks.md).
   */
  private static void listRecursively(FileSystem fs, Path dir, List<FileStatus> found)
      throws IOException {
    for (FileStatus f : fs.listStatus(dir)) {
      String n = f.getPath().getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        continue; // names starting with '_' or '.' below the root are skipped, as Spark does
      }
      if (f.isDirectory()) {
        listRecursively(fs, f.getPath(), found);
      } else {
        found.add(f);
      }
    }
  }

  static String formatOf(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".parquet") || n.endsWith(".parq")) {
      return InputPlan.PARQUET;
    }
    if (n.endsWith(".jsonl")
        || n.endsWith(".json")
        || n.endsWith(".ndjson")
        || n.endsWith(".jsonl.gz")
        || n.endsWith(".json.gz")
        || n.endsWith(".ndjson.gz")
        || n.endsWith(".jsonl.zst")
        || n.endsWith(".json.zst")
        || n.endsWith(".ndjson.zst")
        || n.endsWith(".jsonl.bz2")) {
      return InputPlan.JSONL;
    }
    return null;
  }
}
