package io.reweigh.jobs.input;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionInputStream;
import org.apache.hadoop.io.compress.CompressionOutputStream;
import org.apache.hadoop.io.compress.Compressor;
import org.apache.hadoop.io.compress.Decompressor;

/**
 * Reads {@code .zst} input files. Hadoop's own ZStandardCodec needs libhadoop's native zstd, which
 * Spark distributions and laptops usually lack ("native zStandard library not available"); this
 * codec uses zstd-jni, the library Spark itself compresses shuffles with, whose jar carries its
 * natives. Registered after the built-in codecs in io.compression.codecs (see Sessions), so it owns
 * the .zst extension. Read-only: reweigh writes Parquet, never .zst text.
 */
public final class ZstdReadCodec implements CompressionCodec, org.apache.hadoop.conf.Configurable {
  private Configuration conf;

  @Override
  public void setConf(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public Configuration getConf() {
    return conf;
  }

  @Override
  public CompressionInputStream createInputStream(InputStream in) throws IOException {
    return new Stream(in);
  }

  @Override
  public CompressionInputStream createInputStream(InputStream in, Decompressor decompressor)
      throws IOException {
    return new Stream(in);
  }

  @Override
  public Class<? extends Decompressor> getDecompressorType() {
    return null;
  }

  @Override
  public Decompressor createDecompressor() {
    return null;
  }

  @Override
  public CompressionOutputStream createOutputStream(OutputStream out) {
    throw new UnsupportedOperationException("reweigh reads .zst files, it does not write them");
  }

  @Override
  public CompressionOutputStream createOutputStream(OutputStream out, Compressor compressor) {
    return createOutputStream(out);
  }

  @Override
  public Class<? extends Compressor> getCompressorType() {
    return null;
  }

  @Override
  public Compressor createCompressor() {
    return null;
  }

  @Override
  public String getDefaultExtension() {
    return ".zst";
  }

  /** A zstd frame reader over the raw file stream. */
  static final class Stream extends CompressionInputStream {
    private final ZstdInputStream z;

    Stream(InputStream in) throws IOException {
      super(in);
      this.z = new ZstdInputStream(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return z.read(b, off, len);
    }

    @Override
    public int read() throws IOException {
      return z.read();
    }

    @Override
    public void resetState() {
      throw new UnsupportedOperationException("a .zst input is read from its start");
    }

    @Override
    public void close() throws IOException {
      z.close();
    }
  }
}
