package io.reweigh.core.io;

import io.reweigh.core.hash.Sha256;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the input was: every data file with its size and modification time. Its hash decides whether
 * a committed stage can be reused (docs/architecture.md, "Stage commit protocol").
 */
public record InputFingerprint(String format, List<FileEntry> files) implements Serializable {

  /** One input file. */
  public record FileEntry(String path, long size, long modificationTime) implements Serializable {}

  public InputFingerprint {
    List<FileEntry> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(FileEntry::path));
    files = List.copyOf(sorted);
  }

  public long totalBytes() {
    return files.stream().mapToLong(FileEntry::size).sum();
  }

  public List<String> paths() {
    return files.stream().map(FileEntry::path).toList();
  }

  /** SHA-256 over format and (path, size, mtime) of every file. */
  public String hash() {
    StringBuilder sb = new StringBuilder(format).append('\n');
    for (FileEntry f : files) {
      sb.append(f.path())
          .append('\t')
          .append(f.size())
          .append('\t')
          .append(f.modificationTime())
          .append('\n');
    }
    return Sha256.hex(sb.toString());
  }
}
