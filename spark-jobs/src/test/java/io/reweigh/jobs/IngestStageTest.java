package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.stage.StageStats;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.InputPlanner;
import io.reweigh.jobs.input.RejectReason;
import io.reweigh.jobs.manifest.IngestDetails;
import io.reweigh.jobs.stage.OutputDir;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest stage writes the input in one pass without a shuffle and checks the written ids; only
 * when an id repeats does it classify again with the duplicate-id window (IngestStage.run). Both
 * ways must write exactly the rows of the complete classification, {@link
 * Ingest.Classified#rows()}.
 */
class IngestStageTest {
  static final SparkSession spark = SharedSpark.session();
  @TempDir Path tmp;

  /** Every written row (docs and rejects) as one comparable line, sorted. */
  static TreeSet<String> lines(Dataset<Row> rows) {
    TreeSet<String> out = new TreeSet<>();
    for (Row r :
        rows.select(
                Columns.ID,
                Columns.TEXT,
                Columns.DOMAIN,
                Columns.N_TOKENS,
                Columns.SOURCE_FILE,
                Columns.SOURCE_ROW,
                Columns.REJECT_REASON,
                Columns.RAW,
                "label",
                "url")
            .collectAsList()) {
      out.add(r.mkString("|"));
    }
    return out;
  }

  IngestDetails ingest(Path in, String name) {
    ResolvedConfig cfg = ResolvedConfig.defaults().with("input.max-doc-chars", 20_000);
    var conf = spark.sparkContext().hadoopConfiguration();
    InputPlan plan = InputPlanner.plan(in.toString(), cfg, conf);
    Path stage = tmp.resolve(name);
    OutputDir out = new OutputDir(stage.toString(), conf);
    StageStats stats =
        IngestStage.run(
            spark,
            plan,
            Ingest.plan(cfg),
            new org.apache.hadoop.fs.Path(stage.toUri().toString()),
            out);
    Dataset<Row> written =
        spark
            .read()
            .parquet(
                stage.resolve("data").toString(), stage.resolve(Columns.REJECTS_DIR).toString());
    Dataset<Row> expected = Ingest.classified(spark, plan, Ingest.plan(cfg)).rows();
    assertEquals(lines(expected), lines(written), "written rows = complete classification");
    return stats.details(IngestDetails.class);
  }

  @Test
  void withoutRepeatedIdsOnePassWritesTheCompleteClassification() {
    Path in = tmp.resolve("in");
    DemoCorpus.BadRows noDuplicates = new DemoCorpus.BadRows(2, 2, 1, 1, 0, 1);
    long lines = new DemoCorpus(3).writeJsonl(in, 300, 2, noDuplicates);
    IngestDetails d = ingest(in, "one");
    assertEquals("one pass: no id repeats", d.idCheck());
    assertEquals(lines, d.inputRows());
    assertEquals((long) noDuplicates.total(), d.rejectedRows());
    Map<String, Long> byReason = d.rejectedByReason();
    assertEquals(
        List.of(
            RejectReason.INVALID_JSON.label(),
            RejectReason.EMPTY_TEXT.label(),
            RejectReason.TEXT_NOT_STRING.label()),
        List.copyOf(byReason.keySet()).subList(0, 3),
        "most frequent first, then by name: " + byReason);
  }

  @Test
  void repeatedIdsAreRejectedByTheSecondPass() {
    Path in = tmp.resolve("in");
    long lines = new DemoCorpus(3).writeJsonl(in, 300, 2, DemoCorpus.DEFAULT_BAD_ROWS);
    IngestDetails d = ingest(in, "two");
    assertTrue(d.idCheck().startsWith("two passes"), d.toString());
    assertEquals(lines, d.inputRows());
    Map<String, Long> byReason = d.rejectedByReason();
    assertEquals(
        DemoCorpus.DEFAULT_BAD_ROWS.duplicateId(),
        byReason.get(RejectReason.DUPLICATE_ID.label()).intValue(),
        byReason.toString());
  }
}
