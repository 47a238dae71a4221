package io.reweigh.jobs;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;

/**
 * file:// without the {@code .name.crc} file Hadoop's LocalFileSystem writes beside every file:
 * those litter a local output folder (every shard, manifest and stage file gets one) and protect
 * nothing Parquet's own page checksums do not. Files keep being verified where a .crc exists. Set
 * as fs.file.impl by {@link Sessions} unless the user configured one.
 */
public final class NoChecksumLocalFileSystem extends LocalFileSystem {
  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    setWriteChecksum(false);
  }
}
