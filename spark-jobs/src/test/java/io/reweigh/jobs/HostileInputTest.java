package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.Columns;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.jobs.input.RejectReason;
import io.reweigh.jobs.stage.OutputLock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input and environments real data engineers have (issue 28, docs/guarantees.md): each case ends
 * processed, rejected with a reason and counted, or as an error with exit 2/3 that names the file,
 * host or key and the fix, before anything is written. Never exit 1, never a silently changed row.
 */
class HostileInputTest {
  static final SparkSession spark = SharedSpark.session();
  @TempDir Path tmp;

  static MainTest.Result run(Path in, Path out, String... sets) {
    return BadInputMatrixTest.run(in, out, sets);
  }

  static String lines(int n, String prefix) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"id\": \"")
          .append(prefix)
          .append(i)
          .append("\", \"text\": \"document ")
          .append(i)
          .append(" has a few words\"}\n");
    }
    return b.toString();
  }

  /** Nothing written: no manifest, no _tmp/, no stage, and no folder this run created. */
  static void nothingWritten(Path out) {
    assertFalse(Files.exists(out), "a failed run leaves no output folder it created: " + out);
  }

  @Test
  void aPrettyPrintedJsonArrayIsAnInputErrorWithTheJqFix() throws IOException {
    Path in = tmp.resolve("array.json");
    StringBuilder b = new StringBuilder("[\n");
    for (int i = 0; i < 20; i++) {
      b.append("  {\n    \"id\": \"")
          .append(i)
          .append("\",\n    \"text\": \"hello world\"\n  }")
          .append(i < 19 ? ",\n" : "\n");
    }
    Files.writeString(in, b.append("]\n").toString());
    Path out = tmp.resolve("out");
    MainTest.Result r = run(in, out);
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("No usable document"), r.err());
    assertTrue(r.err().contains("jq -c '.[]'"), r.err());
    assertTrue(r.err().contains(in.getFileName().toString()), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
    nothingWritten(out);
  }

  @Test
  void inputWhoseRowsAreAllRejectedListsTheReasons() throws IOException {
    Path in = tmp.resolve("empty-texts.jsonl");
    Files.writeString(in, "{\"id\": \"a\", \"text\": \"\"}\n{\"id\": \"b\", \"text\": \" \"}\n");
    Path out = Files.createDirectories(tmp.resolve("existing"));
    MainTest.Result r = run(in, out);
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains(RejectReason.EMPTY_TEXT.label() + ": 2"), r.err());
    assertFalse(Files.exists(out.resolve(Columns.MANIFEST)));
    assertFalse(Files.exists(out.resolve(Columns.TMP_DIR)), "no _tmp/ left behind");
    assertFalse(Files.exists(out.resolve(Columns.STAGES_DIR).resolve(Pipeline.INGEST)));
  }

  @Test
  void zstdJsonlIsReadWithoutANativeLibrary() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("zin"));
    try (OutputStream o =
        new com.github.luben.zstd.ZstdOutputStream(
            Files.newOutputStream(in.resolve("part-0.jsonl.zst")))) {
      o.write(lines(40, "z").getBytes(StandardCharsets.UTF_8));
    }
    Path out = tmp.resolve("out");
    MainTest.Result r = run(in, out);
    assertEquals(0, r.code(), r.err());
    assertEquals(40L, ((Number) BadInputMatrixTest.counts(out).get("output_rows")).longValue());
  }

  @Test
  void aTruncatedGzipFileIsAnInputErrorNamingTheFile() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("gzin"));
    java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(whole)) {
      StringBuilder b = new StringBuilder();
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
      for (int i = 0; i < 5000; i++) {
        b.append("{\"id\": \"").append(i).append("\", \"text\": \"");
        for (int w = 0; w < 20; w++) {
          b.append("w").append(rnd.nextInt(100000)).append(' ');
        }
        b.append("\"}\n");
      }
      o.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] all = whole.toByteArray();
    Files.write(
        in.resolve("cut.jsonl.gz"), java.util.Arrays.copyOf(all, all.length / 2)); // truncated
    Path out = tmp.resolve("out");
    MainTest.Result r = run(in, out);
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("cut.jsonl.gz"), r.err());
    assertTrue(r.err().contains("damaged or truncated"), r.err());
    nothingWritten(out);
  }

  @Test
  void environmentErrorsAreExitTwoOrThreeWithTheFix() throws IOException {
    Path good = tmp.resolve("good.jsonl");
    Files.writeString(good, lines(5, "g"));
    MainTest.Result s3 = MainTest.cli("validate", "--input", "s3a://some-bucket/corpus/");
    assertEquals(2, s3.code(), s3.err());
    assertTrue(s3.err().contains("--packages org.apache.hadoop:hadoop-aws:"), s3.err());
    MainTest.Result host =
        MainTest.cli("validate", "--input", "hdfs://no-such-namenode.invalid:8020/corpus/");
    assertEquals(3, host.code(), host.err());
    assertTrue(host.err().contains("no-such-namenode.invalid"), host.err());
    for (String master : List.of("local[0]", "local[abc]", "mesos://x:5050")) {
      MainTest.Result m = MainTest.cli("validate", "--input", good.toString(), "--master", master);
      assertEquals(2, m.code(), master + ": " + m.err());
      assertTrue(m.err().contains("local[N]"), m.err());
    }
    assertThrowsUsage(() -> Failures.checkMaster("yarn", k -> null), "HADOOP_CONF_DIR");
    Failures.checkMaster("local[*]", k -> null);
    Failures.checkMaster("local[4,2]", k -> null);
    Failures.checkMaster("spark://a:7077,b:7077", k -> null);
    // an output that cannot be written is found before ingest runs
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    MainTest.Result ro = run(good, file.resolve("out"));
    assertEquals(2, ro.code(), ro.err());
    assertTrue(ro.err().contains("cannot be used"), ro.err());
    assertFalse(ro.err().contains("ingest: started"), ro.err());
  }

  static void assertThrowsUsage(Runnable r, String says) {
    io.reweigh.core.error.ReweighException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.reweigh.core.error.ReweighException.class, r::run);
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains(says), e.getMessage());
  }

  @Test
  void aLongDocumentIsJudgedByTheKeyNotByTheJsonParser() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("long"));
    String big = "word ".repeat(4_400_000); // 22 M characters: above Jackson's default limit
    Files.writeString(
        in.resolve("a.jsonl"),
        "{\"id\": \"big\", \"text\": \"" + big + "\"}\n" + lines(3, "s"),
        StandardCharsets.UTF_8);
    Path out = tmp.resolve("out");
    MainTest.Result r = run(in, out);
    assertEquals(0, r.code(), r.err());
    assertEquals(RejectReason.TOO_LONG.label(), BadInputMatrixTest.reasonByLine(out).get(1L));
    Path out2 = tmp.resolve("out2");
    MainTest.Result raised = run(in, out2, "input.max-doc-chars=30000000");
    assertEquals(0, raised.code(), raised.err());
    assertEquals(4L, ((Number) BadInputMatrixTest.counts(out2).get("output_rows")).longValue());
  }

  @Test
  void invalidUtf8AndLoneSurrogatesAreRejectedOrReplacedAndCounted() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("utf8"));
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.write(lines(2, "ok").getBytes(StandardCharsets.UTF_8));
    // Windows-1252 "café – ok": 0xE9 and 0x96 are not UTF-8
    b.write("{\"id\": \"cp1252\", \"text\": \"caf".getBytes(StandardCharsets.US_ASCII));
    b.write(new byte[] {(byte) 0xE9, ' ', (byte) 0x96, ' '});
    b.write("ok\"}\n".getBytes(StandardCharsets.US_ASCII));
    b.write("{\"id\": \"surrogate\", \"text\": \"lone \\ud800 here\"}\n".getBytes());
    b.write("{\"id\": \"pair\", \"text\": \"emoji \\ud83d\\ude00 is fine\"}\n".getBytes());
    Files.write(in.resolve("a.jsonl"), b.toByteArray());
    Path out = tmp.resolve("reject");
    MainTest.Result r = run(in, out);
    assertEquals(0, r.code(), r.err());
    Map<Long, String> why = BadInputMatrixTest.reasonByLine(out);
    assertEquals(RejectReason.INVALID_UTF8.label(), why.get(3L));
    assertEquals(RejectReason.INVALID_UTF8.label(), why.get(4L));
    assertEquals(3L, ((Number) BadInputMatrixTest.counts(out).get("output_rows")).longValue());

    Path kept = tmp.resolve("replace");
    MainTest.Result rr = run(in, kept, "input.invalid-utf8=replace");
    assertEquals(0, rr.code(), rr.err());
    assertEquals(5L, ((Number) BadInputMatrixTest.counts(kept).get("output_rows")).longValue());
    var shards = spark.read().parquet(kept.resolve(Columns.SHARDS_DIR).toString());
    List<Row> flagged =
        shards
            .filter(functions.col(Columns.UTF8_REPLACED))
            .orderBy(Columns.ID)
            .select(Columns.ID, Columns.TEXT)
            .collectAsList();
    assertEquals(2, flagged.size());
    assertEquals("caf\uFFFD \uFFFD ok", flagged.get(0).getString(1));
    assertEquals("lone \uFFFD here", flagged.get(1).getString(1));
    assertEquals(3, shards.filter(functions.not(functions.col(Columns.UTF8_REPLACED))).count());
    Map<?, ?> ingest =
        (Map<?, ?>)
            ((Map<?, ?>)
                    new ObjectMapper()
                        .readValue(kept.resolve(Columns.MANIFEST).toFile(), Map.class)
                        .get("stages"))
                .get("ingest");
    assertEquals(2, ((Number) ingest.get("invalid_utf8_replaced")).intValue(), ingest.toString());
  }

  @Test
  void aTextWithNoTokensIsRejected() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("nul"));
    Files.writeString(
        in.resolve("a.jsonl"),
        lines(2, "ok") + "{\"id\": \"nul\", \"text\": \"\\u0000\\u0001\\u0000\\u0007\"}\n");
    Path out = tmp.resolve("out");
    MainTest.Result r = run(in, out);
    assertEquals(0, r.code(), r.err());
    assertEquals(RejectReason.NO_TOKENS.label(), BadInputMatrixTest.reasonByLine(out).get(3L));
    assertEquals(2L, ((Number) BadInputMatrixTest.counts(out).get("output_rows")).longValue());
  }

  @Test
  void aTenThousandCharacterDomainIsKeptInTheShardsButClippedInTheReport() throws IOException {
    String domain = "d".repeat(10_000);
    Path in = tmp.resolve("long-domain.jsonl");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      b.append("{\"id\": \"").append(i).append("\", \"text\": \"words of document ").append(i);
      b.append("\", \"domain\": \"").append(i % 2 == 0 ? domain : "short").append("\"}\n");
    }
    Files.writeString(in, b);
    Path out = tmp.resolve("out");
    MainTest.Result r = run(in, out);
    assertEquals(0, r.code(), r.err());
    assertEquals(6L, ((Number) BadInputMatrixTest.counts(out).get("output_rows")).longValue());
    List<Row> kept =
        spark
            .read()
            .parquet(out.resolve(Columns.SHARDS_DIR).toString())
            .where(functions.col(Columns.DOMAIN).equalTo(domain))
            .collectAsList();
    assertEquals(3, kept.size(), "the domain is data: kept whole in the shards");
    String html = Files.readString(out.resolve(Columns.REPORT));
    assertFalse(html.contains("d".repeat(200)), "report tables show a clipped label");
    assertTrue(html.contains("d".repeat(79) + "…") || html.contains("d".repeat(79) + "&hellip;"));
  }

  @Test
  void aSecondWriterIsRefusedAndAStaleLockTakenOver() throws IOException {
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, lines(5, "l"));
    Path out = Files.createDirectories(tmp.resolve("out"));
    Path lock = out.resolve(OutputLock.NAME);
    String host = java.net.InetAddress.getLocalHost().getHostName();
    long alive = ProcessHandle.current().pid(); // a live process of this host holds it
    Files.writeString(lock, lockJson("other", host, alive, Instant.now()));
    MainTest.Result refused = run(in, out);
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("being written by another reweigh run"), refused.err());
    assertTrue(refused.err().contains("pid " + alive), refused.err());
    assertFalse(Files.exists(out.resolve(Columns.MANIFEST)));
    // another host's lock with a fresh heartbeat: refused too
    Files.writeString(lock, lockJson("far", "elsewhere.example", 42, Instant.now()));
    assertEquals(2, run(in, out).code());
    // a killed run: a dead pid of this host, or another host's lock without heartbeat
    Files.writeString(lock, lockJson("dead", host, deadPid(), Instant.now()));
    MainTest.Result took = run(in, out);
    assertEquals(0, took.code(), took.err());
    assertTrue(took.err().contains("taking over the lock"), took.err());
    assertFalse(Files.exists(lock), "released at the end");
    Files.writeString(
        lock, lockJson("old", "elsewhere.example", 42, Instant.now().minusSeconds(600)));
    assertEquals(0, run(in, out).code());
  }

  static String lockJson(String token, String host, long pid, Instant heartbeat) {
    return "{\"token\":\""
        + token
        + "\",\"user\":\"someone\",\"host\":\""
        + host
        + "\",\"pid\":"
        + pid
        + ",\"command\":\"reweigh run\",\"started\":\""
        + heartbeat
        + "\",\"heartbeat\":\""
        + heartbeat
        + "\"}";
  }

  static long deadPid() {
    long pid = 4_000_000;
    while (ProcessHandle.of(pid).isPresent()) {
      pid++;
    }
    return pid;
  }
}
