package io.reweigh.sampler.spark;

import io.reweigh.core.hash.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes a Parquet file's footer independent of the JVM that wrote it. parquet-java collects each
 * column chunk's encodings in a HashSet of enum constants, whose iteration order follows identity
 * hash codes, so the same rows written by two JVMs (two runs, or a driver and an executor) differ
 * in the order of that list — seen as different sha256 for local vs cluster runs. This sorts the
 * encodings (and encoding stats) and rewrites the footer, and returns the sha256 of the result.
 */
final class FooterNormalizer {
  private FooterNormalizer() {}

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  /** Normalises the footer of {@code file} in place (via a sibling temp file); returns sha256. */
  static String normalize(FileSystem fs, Path file) throws IOException {
    long len = fs.getFileStatus(file).getLen();
    byte[] tail = new byte[8];
    int footerLen;
    byte[] footer;
    try (FSDataInputStream in = fs.open(file)) {
      in.readFully(len - 8, tail);
      footerLen = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(tail, 4, 8), MAGIC)) {
        throw new IOException(file + " is not a Parquet file (no PAR1 at the end)");
      }
      footer = new byte[footerLen];
      in.readFully(len - 8 - footerLen, footer);
    }
    FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(footer));
    sort(meta);
    ByteArrayOutputStream newFooter = new ByteArrayOutputStream(footerLen);
    Util.writeFileMetaData(meta, newFooter);
    byte[] nf = newFooter.toByteArray();
    if (java.util.Arrays.equals(nf, footer)) {
      // already normalised (the usual case when the JVM's set order happens to be sorted): the
      // file stays as written and is only read for its hash
      MessageDigest md = Sha256.digest();
      try (InputStream in = fs.open(file)) {
        byte[] buf = new byte[1 << 16];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    }

    Path tmp = new Path(file.getParent(), "." + file.getName() + ".normalized");
    MessageDigest md = Sha256.digest();
    try (InputStream in = fs.open(file);
        OutputStream out = new DigestOutputStream(fs.create(tmp, true), md)) {
      long dataLen = len - 8 - footerLen;
      byte[] buf = new byte[1 << 16];
      long left = dataLen;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException("unexpected end of " + file);
        }
        out.write(buf, 0, n);
        left -= n;
      }
      out.write(nf);
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(nf.length).array());
      out.write(MAGIC);
    }
    if (!fs.delete(file, false) || !fs.rename(tmp, file)) {
      throw new IOException("could not replace " + file + " with its normalised copy");
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Sorts every order-free list in the footer. */
  static void sort(FileMetaData meta) {
    for (RowGroup rg : meta.getRow_groups()) {
      for (ColumnChunk cc : rg.getColumns()) {
        ColumnMetaData cm = cc.getMeta_data();
        if (cm == null) {
          continue;
        }
        if (cm.getEncodings() != null) {
          cm.getEncodings().sort(Comparator.comparingInt(Encoding::getValue));
        }
        if (cm.getEncoding_stats() != null) {
          cm.getEncoding_stats()
              .sort(
                  Comparator.comparingInt((PageEncodingStats s) -> s.getPage_type().getValue())
                      .thenComparingInt(s -> s.getEncoding().getValue()));
        }
      }
    }
  }
}
