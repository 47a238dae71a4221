package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.Columns;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.jobs.input.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input has a documented outcome (docs/guarantees.md): a row goes to rejects/ with a
 * reason and the accounting holds, or the run stops with an exit code and a message naming the
 * file, row, key or column. Each case runs the CLI in-process on the shared local session, with no
 * signal stage (they do not take part in input handling).
 */
class BadInputMatrixTest {
  static final SparkSession spark = SharedSpark.session();
  @TempDir Path tmp;

  static MainTest.Result run(Path in, Path out, String... sets) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("run", "--input", in.toString(), "--output", out.toString()));
    args.add("--set");
    args.add("stages=[]");
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return MainTest.cli(args.toArray(String[]::new));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> counts(Path out) throws IOException {
    Map<String, Object> m =
        new ObjectMapper().readValue(out.resolve(Columns.MANIFEST).toFile(), Map.class);
    Map<String, Object> c = (Map<String, Object>) m.get("counts");
    long in = ((Number) c.get("input_rows")).longValue();
    long kept = ((Number) c.get("output_rows")).longValue();
    long rejected = ((Number) c.get("rejected_rows")).longValue();
    assertEquals(in, kept + rejected, "input = output + rejected");
    assertEquals(true, c.get("accounting_ok"));
    assertEquals(
        rejected, spark.read().parquet(out.resolve(Columns.REJECTS_DIR).toString()).count());
    return c;
  }

  static Map<Long, String> reasonByLine(Path out) {
    return byLine(out, Columns.REJECT_REASON);
  }

  static Map<Long, String> byLine(Path out, String column) {
    Map<Long, String> m = new HashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(out.resolve(Columns.REJECTS_DIR).toString())
            .select(Columns.SOURCE_ROW, column)
            .collectAsList()) {
      m.put(r.getLong(0), r.getString(1));
    }
    return m;
  }

  @Test
  void jsonlRowProblemsAreRejectedWithTheirReason() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("in"));
    String big = "x".repeat(20_000_000);
    String lines =
        "\uFEFF{\"id\": \"bom\", \"text\": \"a first line after a byte order mark\"}\r\n"
            + "{\"id\": \"crlf\", \"text\": \"a line ending in CRLF\"}\r\n"
            + "{\"id\": \"n1\", \"text\": null}\n"
            + "{\"id\": \"e1\", \"text\": \"\"}\n"
            + "{\"id\": \"w1\", \"text\": \" \\t\\n \"}\n"
            + "{\"id\": \"i1\", \"text\": 42}\n"
            + "{\"text\": \"no id\"}\n"
            + "{\"id\": null, \"text\": \"null id\"}\n"
            + "{\"id\": \"dup\", \"text\": \"first of two\"}\n"
            + "{\"id\": \"dup\", \"text\": \"second of two\"}\n"
            + "{\"id\": \"broken\", \"text\": \n"
            + "[{\"id\": \"arr\", \"text\": \"in an array\"}]\n"
            + "{\"id\": \"big\", \"text\": \""
            + big
            + "\"}\n"
            // white space beyond ASCII only: empty; leading white space before words: a document
            + "{\"id\": \"w2\", \"text\": \"\u00a0\u3000\u2003\\u2028 \"}\n"
            + "{\"id\": \"lead\", \"text\": \"\u3000 words after white space\"}\n"
            // a broken line of 3,000 emoji (two UTF-16 units each): its raw keeps 2,000 of them
            + "{\"id\": \"emoji\", \"text\": \""
            + "\uD83D\uDE00".repeat(3000)
            + "\n"
            + "{\"id\": \"last\", \"text\": \"the final line has no newline\"}";
    Files.writeString(in.resolve("rows.jsonl"), lines, StandardCharsets.UTF_8);
    Path out = tmp.resolve("out");
    MainTest.Result r = run(in, out);
    assertEquals(0, r.code(), r.err());
    Map<String, Object> c = counts(out);
    assertEquals(17L, ((Number) c.get("input_rows")).longValue());
    assertEquals(
        5L, ((Number) c.get("output_rows")).longValue(), "bom, crlf, dup (first), lead, last");
    Map<Long, String> why = reasonByLine(out);
    assertEquals(RejectReason.NULL_TEXT.label(), why.get(3L));
    assertEquals(RejectReason.EMPTY_TEXT.label(), why.get(4L));
    assertEquals(RejectReason.EMPTY_TEXT.label(), why.get(5L));
    assertEquals(RejectReason.TEXT_NOT_STRING.label(), why.get(6L));
    assertEquals(RejectReason.MISSING_ID.label(), why.get(7L));
    assertEquals(RejectReason.MISSING_ID.label(), why.get(8L));
    // the reason is the manifest's label; its detail is a column of its own
    Map<Long, String> detail = byLine(out, Columns.REJECT_DETAIL);
    assertEquals(RejectReason.DUPLICATE_ID.label(), why.get(10L));
    assertTrue(detail.get(10L).startsWith("first at "), detail.get(10L));
    assertTrue(detail.get(10L).endsWith("rows.jsonl:9"), detail.get(10L));
    assertEquals(null, detail.get(3L));
    assertEquals(RejectReason.INVALID_JSON.label(), why.get(11L));
    assertEquals(RejectReason.NOT_OBJECT.label(), why.get(12L));
    assertEquals(RejectReason.TOO_LONG.label(), why.get(13L));
    assertEquals("20000000 > 10000000 chars", detail.get(13L));
    assertEquals(RejectReason.EMPTY_TEXT.label(), why.get(14L));
    assertEquals(RejectReason.INVALID_JSON.label(), why.get(16L));
    Map<String, String> raw = new HashMap<>();
    for (Row x :
        spark
            .read()
            .parquet(out.resolve(Columns.REJECTS_DIR).toString())
            .select(functions.col(Columns.SOURCE_ROW).cast("string"), functions.col(Columns.RAW))
            .collectAsList()) {
      raw.put(x.getString(0), x.getString(1));
    }
    // a reject's raw line is cut to its first 2,000 characters (code points)
    assertEquals(2000, raw.get("13").length());
    assertTrue(raw.get("13").startsWith("{\"id\": \"big\", \"text\": \"xxx"), raw.get("13"));
    String emoji = raw.get("16");
    assertEquals(2000, emoji.codePointCount(0, emoji.length()));
    assertTrue(emoji.endsWith("\uD83D\uDE00"), "not cut inside a surrogate pair");
    var shards = spark.read().parquet(out.resolve(Columns.SHARDS_DIR).toString());
    assertEquals(
        0, shards.filter(functions.col(Columns.TEXT).contains("\r")).count(), "CRLF stripped");
    assertEquals(
        List.of("bom", "crlf", "dup", "last", "lead"),
        shards
            .orderBy(Columns.ID)
            .select(Columns.ID)
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());
  }

  @Test
  void parquetRowProblemsAreRejectedAndSchemasMerge() throws IOException {
    Path in = tmp.resolve("pq");
    StructType raw =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("bytes", DataTypes.BinaryType)
            .add("a", DataTypes.IntegerType);
    byte[] invalid = {(byte) 0x66, (byte) 0xC3, (byte) 0x28, (byte) 0x6F}; // 0xC3 0x28: bad UTF-8
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("ok", "valid text".getBytes(StandardCharsets.UTF_8), 1),
                RowFactory.create("bad", invalid, 2),
                RowFactory.create(null, "no id".getBytes(StandardCharsets.UTF_8), 3)),
            raw)
        .select(
            functions.col("id"),
            functions.col("bytes").cast("string").as("text"),
            functions.col("a"))
        .coalesce(1)
        .write()
        .parquet(in.resolve("one").toString());
    // a second file with another extra column: schemas are merged, missing values are null
    spark
        .createDataFrame(
            List.<Row>of(RowFactory.create("two", "second file", "b-value")),
            new StructType()
                .add("id", DataTypes.StringType)
                .add("text", DataTypes.StringType)
                .add("b", DataTypes.StringType))
        .coalesce(1)
        .write()
        .parquet(in.resolve("two").toString());
    Path out = tmp.resolve("out");
    MainTest.Result r = run(in, out);
    assertEquals(0, r.code(), r.err());
    Map<String, Object> c = counts(out);
    assertEquals(2L, ((Number) c.get("output_rows")).longValue());
    var rejects = spark.read().parquet(out.resolve(Columns.REJECTS_DIR).toString());
    assertEquals(
        1,
        rejects
            .filter(functions.col("reject_reason").equalTo(RejectReason.INVALID_UTF8.label()))
            .count());
    assertEquals(
        1,
        rejects
            .filter(functions.col("reject_reason").equalTo(RejectReason.MISSING_ID.label()))
            .count());
    var shards = spark.read().parquet(out.resolve(Columns.SHARDS_DIR).toString());
    assertTrue(List.of(shards.columns()).containsAll(List.of("a", "b")));
    assertEquals(1, shards.filter("b = 'b-value' and a is null").count());
  }

  @Test
  void fileAndFolderProblemsStopWithExit3NamingThem() throws IOException {
    // zero-byte JSONL beside a good file: it has no rows
    Path in = Files.createDirectories(tmp.resolve("zero"));
    Files.writeString(in.resolve("empty.jsonl"), "");
    Files.writeString(in.resolve("good.jsonl"), "{\"id\": \"1\", \"text\": \"hello\"}\n");
    Path out = tmp.resolve("zero-out");
    assertEquals(0, run(in, out).code());
    assertEquals(1L, ((Number) counts(out).get("output_rows")).longValue());

    // zero-byte Parquet: not a Parquet file
    Path zpq = Files.createDirectories(tmp.resolve("zpq"));
    Files.write(zpq.resolve("empty.parquet"), new byte[0]);
    MainTest.Result z = run(zpq, tmp.resolve("zpq-out"));
    assertEquals(3, z.code(), z.err());
    assertTrue(z.err().contains("empty.parquet"), z.err());

    // empty folder, missing path
    MainTest.Result e = run(Files.createDirectories(tmp.resolve("nothing")), tmp.resolve("o1"));
    assertEquals(3, e.code());
    assertTrue(e.err().contains("holds no Parquet or JSONL files"), e.err());
    MainTest.Result m = run(tmp.resolve("missing"), tmp.resolve("o2"));
    assertEquals(3, m.code());
    assertTrue(m.err().contains("does not exist"), m.err());

    // Parquet files whose shared column has different types
    Path clash = tmp.resolve("typeclash");
    spark
        .createDataFrame(
            List.<Row>of(RowFactory.create("1", "t", 5)),
            new StructType()
                .add("id", DataTypes.StringType)
                .add("text", DataTypes.StringType)
                .add("score", DataTypes.IntegerType))
        .write()
        .parquet(clash.resolve("a").toString());
    spark
        .createDataFrame(
            List.<Row>of(RowFactory.create("2", "u", "high")),
            new StructType()
                .add("id", DataTypes.StringType)
                .add("text", DataTypes.StringType)
                .add("score", DataTypes.StringType))
        .write()
        .parquet(clash.resolve("b").toString());
    MainTest.Result t = run(clash, tmp.resolve("o3"));
    assertEquals(3, t.code(), t.err());
    assertTrue(t.err().contains("'score'"), t.err());
  }

  @Test
  void columnConfigAndOutputProblemsStopWithExit2NamingThem() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(
        in.resolve("a.jsonl"), "{\"id\": \"1\", \"text\": \"hello\", \"n_tokens\": 3}\n");
    MainTest.Result col = run(in, tmp.resolve("o1"));
    assertEquals(2, col.code(), col.err());
    assertTrue(col.err().contains("Input column 'n_tokens'"), col.err());

    Files.writeString(in.resolve("a.jsonl"), "{\"id\": \"1\", \"text\": \"hello\"}\n");
    MainTest.Result key = run(in, tmp.resolve("o2"), "sampler.shardrows=3");
    assertEquals(2, key.code());
    assertTrue(key.err().contains("Unknown config key 'sampler.shardrows'"), key.err());
    MainTest.Result range = run(in, tmp.resolve("o3"), "sampler.shard-rows=0");
    assertEquals(2, range.code());
    assertTrue(range.err().contains("'sampler.shard-rows': 0"), range.err());

    // sampler settings are checked before any stage runs
    MainTest.Result twice =
        run(in, tmp.resolve("o4"), "sampler.shard-rows=3", "sampler.shard-bytes=5000");
    assertEquals(2, twice.code(), twice.err());
    assertTrue(twice.err().contains("Shard size is set twice"), twice.err());
    Path mix = tmp.resolve("mix.json");
    Files.writeString(mix, "{\"web\": 0.7, \"code\": 0.2}");
    MainTest.Result sum = run(in, tmp.resolve("o5"), "sampler.domain-targets=\"" + mix + "\"");
    assertEquals(2, sum.code(), sum.err());
    assertTrue(sum.err().contains("The domain targets file " + mix + " sum to 0.9"), sum.err());
    assertFalse(Files.exists(tmp.resolve("o5").resolve(Columns.STAGES_DIR)), "before any stage");
    Files.writeString(mix, "{\"web\": 1.0}");
    MainTest.Result unnamed = run(in, tmp.resolve("o6"), "sampler.domain-targets=\"" + mix + "\"");
    assertEquals(2, unnamed.code(), unnamed.err());
    assertTrue(unnamed.err().contains("have no domain (e.g. id 1)"), unnamed.err());
    MainTest.Result phases =
        run(in, tmp.resolve("o7"), "stages=[commonness]", "sampler.phases=true");
    assertEquals(2, phases.code(), phases.err());
    assertTrue(phases.err().contains("none of the signals in use [commonness]"), phases.err());

    // output inside the input folder
    MainTest.Result inside = run(in, in.resolve("out"));
    assertEquals(2, inside.code(), inside.err());
    assertTrue(inside.err().contains("is inside the input"), inside.err());
    assertFalse(Files.exists(in.resolve("out").resolve(Columns.STAGES_DIR)));

    // an output folder that holds someone else's files
    Path foreign = Files.createDirectories(tmp.resolve("photos"));
    Files.writeString(foreign.resolve("holiday.jpg"), "not ours");
    MainTest.Result other = run(in, foreign);
    assertEquals(2, other.code(), other.err());
    assertTrue(other.err().contains("'holiday.jpg', which reweigh did not write"), other.err());
    assertTrue(Files.exists(foreign.resolve("holiday.jpg")), "nothing touched");
    assertFalse(Files.exists(foreign.resolve(Columns.STAGES_DIR)));

    // a finished reweigh output is reused
    Path ok = tmp.resolve("ok");
    assertEquals(0, run(in, ok).code());
    assertEquals(0, run(in, ok).code(), "rerun into an earlier output");
  }
}
