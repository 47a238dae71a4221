package io.reweigh.sampler.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.reweigh.core.spark.SharedSpark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FooterNormalizerTest {
  @TempDir Path tmp;

  /** The same file with every encodings list reversed: what another JVM's HashSet order gives. */
  static byte[] withReversedEncodings(byte[] file) throws Exception {
    int footerLen =
        ByteBuffer.wrap(file, file.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int start = file.length - 8 - footerLen;
    FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(file, start, footerLen));
    for (RowGroup rg : meta.getRow_groups()) {
      for (ColumnChunk cc : rg.getColumns()) {
        Collections.reverse(cc.getMeta_data().getEncodings());
      }
    }
    ByteArrayOutputStream nf = new ByteArrayOutputStream();
    Util.writeFileMetaData(meta, nf);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(file, 0, start);
    out.write(nf.toByteArray());
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(nf.size()).array());
    out.write(new byte[] {'P', 'A', 'R', '1'});
    return out.toByteArray();
  }

  @Test
  void footersOfDifferentJvmsBecomeIdentical() throws Exception {
    SparkSession spark = SharedSpark.session();
    Path dir = tmp.resolve("w");
    spark
        .range(0, 5000)
        .selectExpr("id", "concat('doc-', id % 777) as s", "id * 0.5 as w")
        .coalesce(1)
        .write()
        .option("compression", "zstd")
        .parquet(dir.toString());
    Path written;
    try (var files = Files.list(dir)) {
      written =
          files
              .filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
    }
    byte[] original = Files.readAllBytes(written);
    byte[] reversed = withReversedEncodings(original);
    Path a = tmp.resolve("a.parquet");
    Path b = tmp.resolve("b.parquet");
    Files.write(a, original);
    Files.write(b, reversed);
    if (Arrays.equals(original, reversed)) {
      throw new AssertionError("test corpus has single-encoding columns only");
    }
    assertNotEquals(List.of(), List.of(reversed));
    FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
    String ha = FooterNormalizer.normalize(fs, new org.apache.hadoop.fs.Path(a.toString()));
    String hb = FooterNormalizer.normalize(fs, new org.apache.hadoop.fs.Path(b.toString()));
    assertEquals(ha, hb);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    // still a valid Parquet file with the same rows
    List<Row> rows = spark.read().parquet(a.toString()).orderBy("id").collectAsList();
    assertEquals(spark.read().parquet(written.toString()).orderBy("id").collectAsList(), rows);
    // idempotent
    assertEquals(ha, FooterNormalizer.normalize(fs, new org.apache.hadoop.fs.Path(a.toString())));
  }
}
