package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.error.ReweighException;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.InputPlanner;
import io.reweigh.jobs.input.RejectReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest {
  static final SparkSession spark = SharedSpark.session();
  @TempDir Path tmp;

  static Ingest.Classified read(String path, ResolvedConfig cfg) {
    InputPlan plan = InputPlanner.plan(path, cfg, spark.sparkContext().hadoopConfiguration());
    return Ingest.classified(spark, plan, Ingest.plan(cfg));
  }

  static Map<String, Long> reasons(Dataset<Row> rows) {
    Map<String, Long> m = new HashMap<>();
    for (Row r :
        rows.filter(functions.col(Columns.REJECT_REASON).isNotNull())
            .groupBy(
                functions.trim(
                    functions.regexp_extract(functions.col(Columns.REJECT_REASON), "^[^(]*", 0)))
            .count()
            .collectAsList()) {
      m.put(r.getString(0), r.getLong(1));
    }
    return m;
  }

  @Test
  void jsonlBadRowsAreRejectedWithReasonFileAndLine() {
    Path in = tmp.resolve("in");
    long lines = new DemoCorpus(1).writeJsonl(in, 300, 2, DemoCorpus.DEFAULT_BAD_ROWS);
    ResolvedConfig cfg = ResolvedConfig.defaults().with("input.max-doc-chars", 20_000);
    Ingest.Classified c = read(in.toString(), cfg);
    assertEquals(lines, c.inputRows());
    Dataset<Row> rows = c.rows().cache();
    assertEquals(lines, rows.count(), "every input row comes out once");
    Map<String, Long> r = reasons(rows);
    DemoCorpus.BadRows bad = DemoCorpus.DEFAULT_BAD_ROWS;
    assertEquals(bad.invalidJson(), r.get(RejectReason.INVALID_JSON.label()));
    assertEquals(bad.emptyText(), r.get(RejectReason.EMPTY_TEXT.label()));
    assertEquals(bad.nullText(), r.get(RejectReason.NULL_TEXT.label()));
    assertEquals(bad.nonStringText(), r.get(RejectReason.TEXT_NOT_STRING.label()));
    assertEquals(bad.duplicateId(), r.get(RejectReason.DUPLICATE_ID.label()));
    assertEquals(bad.tooLong(), r.get(RejectReason.TOO_LONG.label()));
    assertEquals(
        bad.total(), rows.filter(functions.col(Ingest.KIND).equalTo(Ingest.KIND_REJECT)).count());
    // the first bad row follows the 150 documents of the last file: line 151
    Row broken =
        rows.filter(functions.col(Columns.REJECT_REASON).equalTo(RejectReason.INVALID_JSON.label()))
            .orderBy(Columns.SOURCE_ROW)
            .first();
    assertTrue(broken.getAs(Columns.SOURCE_FILE).toString().endsWith("part-00001.jsonl"));
    assertEquals(151L, (long) broken.getAs(Columns.SOURCE_ROW));
    assertTrue(broken.getAs(Columns.RAW).toString().startsWith("{\"id\": \"broken-0\""));
    // a duplicate names where the id was first seen
    Row dup =
        rows.filter(
                functions.col(Columns.REJECT_REASON).startsWith(RejectReason.DUPLICATE_ID.label()))
            .orderBy(Columns.ID)
            .first();
    assertTrue(
        dup.getAs(Columns.REJECT_DETAIL).toString().endsWith("part-00000.jsonl:1"), dup.toString());
    // extra fields are carried through with their types
    assertTrue(List.of(rows.columns()).containsAll(List.of("label", "url")));
    rows.unpersist();
  }

  @Test
  void generatedJsonlIdsAreLineNumbersWhateverTheSplitSize() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("gen"));
    StringBuilder sb = new StringBuilder();
    com.fasterxml.jackson.databind.ObjectMapper om =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (DemoCorpus.Doc d : new DemoCorpus(2).generate(400)) {
      sb.append(om.writeValueAsString(Map.of("text", d.text(), "domain", d.domain()))).append('\n');
    }
    Files.writeString(in.resolve("part-00000.jsonl"), sb.toString());
    ResolvedConfig cfg = ResolvedConfig.defaults().with("input.generate-ids", true);
    String old = spark.conf().get("spark.sql.files.maxPartitionBytes");
    try {
      spark.conf().set("spark.sql.files.maxPartitionBytes", "8192"); // many splits per file
      List<Row> small =
          read(in.toString(), cfg)
              .rows()
              .select(Columns.ID, Columns.TEXT)
              .orderBy(Columns.ID)
              .collectAsList();
      spark.conf().set("spark.sql.files.maxPartitionBytes", old);
      List<Row> big =
          read(in.toString(), cfg)
              .rows()
              .select(Columns.ID, Columns.TEXT)
              .orderBy(Columns.ID)
              .collectAsList();
      assertEquals(big, small);
      List<String> fileLines = Files.readAllLines(in.resolve("part-00000.jsonl"));
      Row line37 =
          small.stream()
              .filter(r -> r.getString(0).equals("part-00000.jsonl#37"))
              .findFirst()
              .orElseThrow();
      assertEquals(om.readTree(fileLines.get(36)).get("text").asText(), line37.getString(1));
      assertEquals(400, small.size());
    } finally {
      spark.conf().set("spark.sql.files.maxPartitionBytes", old);
    }
  }

  static void writeParquet(Path dir, List<Row> rows, StructType schema) {
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(dir.toString());
  }

  @Test
  void parquetColumnsAreMappedAndCarried() {
    Path in = tmp.resolve("pq");
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.LongType)
            .add("body", DataTypes.StringType)
            .add("lang", DataTypes.StringType)
            .add("score", DataTypes.IntegerType);
    writeParquet(
        in,
        List.of(
            RowFactory.create(1L, "hello world", "en", 7),
            RowFactory.create(2L, "   ", "en", 8),
            RowFactory.create(3L, null, "en", 9),
            RowFactory.create(1L, "again", "en", 10)),
        schema);
    ResolvedConfig cfg =
        ResolvedConfig.defaults()
            .with("input.id-column", "doc_id")
            .with("input.text-column", "body")
            .with("input.domain-column", "lang");
    Ingest.Classified c = read(in.toString(), cfg);
    assertEquals(4, c.inputRows());
    Map<String, Row> byId = new HashMap<>();
    List<Row> all = c.rows().orderBy(Columns.SOURCE_ROW).collectAsList();
    assertEquals(4, all.size());
    Row first = all.get(0);
    assertEquals("1", first.getAs(Columns.ID));
    assertEquals("hello world", first.getAs(Columns.TEXT));
    assertEquals("en", first.getAs(Columns.DOMAIN));
    assertEquals(7, (int) first.getAs("score"));
    assertEquals(2, (int) first.getAs(Columns.N_TOKENS));
    assertEquals(RejectReason.EMPTY_TEXT.label(), all.get(1).getAs(Columns.REJECT_REASON));
    assertEquals(RejectReason.NULL_TEXT.label(), all.get(2).getAs(Columns.REJECT_REASON));
    assertTrue(
        all.get(3)
            .getAs(Columns.REJECT_REASON)
            .toString()
            .startsWith(RejectReason.DUPLICATE_ID.label()));
    byId.put("x", first);
    // generated ids: <file name>#<row index>
    ResolvedConfig gen = cfg.with("input.generate-ids", true).with("input.id-column", "none");
    List<Row> ids =
        read(in.toString(), gen)
            .rows()
            .orderBy(Columns.SOURCE_ROW)
            .select(Columns.ID)
            .collectAsList();
    assertTrue(ids.get(0).getString(0).matches("part-.*\\.parquet#0"), ids.toString());
    assertTrue(ids.get(3).getString(0).endsWith("#3"));
  }

  @Test
  void fileLevelProblemsStopWithExit3AndNameTheFile() throws IOException {
    ResolvedConfig cfg = ResolvedConfig.defaults();
    ReweighException missing =
        assertThrows(ReweighException.class, () -> read(tmp.resolve("nope").toString(), cfg));
    assertEquals(3, missing.exitCode());
    assertTrue(
        missing
            .getMessage()
            .startsWith("Input path '" + tmp.resolve("nope") + "' does not exist."));

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("README.txt"), "not data");
    ReweighException none = assertThrows(ReweighException.class, () -> read(empty.toString(), cfg));
    assertEquals(3, none.exitCode());
    assertTrue(none.getMessage().contains("holds no Parquet or JSONL files"), none.getMessage());

    Path pq = tmp.resolve("pq");
    writeParquet(
        pq,
        List.of(RowFactory.create("a", 5)),
        new StructType().add("id", DataTypes.StringType).add("text", DataTypes.IntegerType));
    ReweighException type = assertThrows(ReweighException.class, () -> read(pq.toString(), cfg));
    assertEquals(3, type.exitCode());
    assertTrue(
        type.getMessage().contains("Column 'text' (input.text-column) in input file '"),
        type.getMessage());
    assertTrue(type.getMessage().contains("has type int32"), type.getMessage());

    ReweighException col =
        assertThrows(
            ReweighException.class,
            () -> read(pq.toString(), cfg.with("input.text-column", "body")));
    assertTrue(
        col.getMessage().contains("has no column 'body' (input.text-column)"), col.getMessage());
    assertTrue(col.getMessage().contains("its columns are: id, text"), col.getMessage());

    Path trunc = Files.createDirectories(tmp.resolve("trunc"));
    Path good =
        Files.list(pq).filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    byte[] bytes = Files.readAllBytes(good);
    Files.write(trunc.resolve("broken.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    ReweighException bad = assertThrows(ReweighException.class, () -> read(trunc.toString(), cfg));
    assertEquals(3, bad.exitCode());
    assertTrue(
        bad.getMessage().startsWith("Input file '")
            && bad.getMessage().contains("broken.parquet' is not a readable Parquet file."),
        bad.getMessage());

    Path noText = Files.createDirectories(tmp.resolve("notext"));
    Files.writeString(
        noText.resolve("a.jsonl"),
        "{\"id\":\"1\",\"body\":\"x\"}\n{\"id\":\"2\",\"body\":\"y\"}\n");
    Ingest.Classified c = read(noText.toString(), cfg);
    InputPlan plan =
        InputPlanner.plan(noText.toString(), cfg, spark.sparkContext().hadoopConfiguration());
    ReweighException nt =
        assertThrows(
            ReweighException.class, () -> Ingest.checkFiles(c.rows(), plan, Ingest.plan(cfg)));
    assertEquals(3, nt.exitCode());
    assertTrue(
        nt.getMessage().contains("has no field 'text' (input.text-column) in any of its 2 lines"),
        nt.getMessage());
  }
}
