package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.testing.ByoExample;
import io.reweigh.core.text.HuggingFaceTokenizer;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.influence.InfluenceDetails;
import io.reweigh.influence.spark.ProxyModelDetails;
import io.reweigh.jobs.manifest.IngestDetails;
import io.reweigh.jobs.stage.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bring your own tokenizer and model (conf/byo): a whole run with tokenizer.kind=huggingface and
 * influence.model, every signal on. Token counts, commonness n-grams, the influence and coreset
 * model inputs all come from the tokenizer.json; the proxy-model stage imports the TorchScript LM.
 */
class ByoModelPipelineTest {
  static final SparkSession spark = SharedSpark.session();
  static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  @TempDir Path tmp;

  private Pipeline.Summary run(Path input, Path out, ResolvedConfig cfg) {
    LOG.reset();
    return Pipeline.run(
        spark,
        new Pipeline.Options(input.toString(), out.toString(), cfg, false),
        new Progress(new PrintStream(LOG, true), 60));
  }

  @Test
  void ownTokenizerAndModelDriveEveryStage() throws Exception {
    Path input = tmp.resolve("input");
    new DemoCorpus(4).writeJsonl(input, 400, 2, DemoCorpus.DEFAULT_BAD_ROWS);
    Path tok = tmp.resolve("tokenizer.json");
    Path model = tmp.resolve("lm.pt");
    Files.copy(ByoExample.tokenizer(), tok);
    Files.copy(ByoExample.model(), model);
    ResolvedConfig cfg =
        ResolvedConfig.defaults()
            .with("input.max-doc-chars", DemoCorpus.TOO_LONG_CHARS - 1)
            .with("tokenizer.kind", "huggingface")
            .with("tokenizer.path", tok.toString())
            .with("influence.model", model.toString())
            .withSet("influence.max-tokens=32")
            .withSet("influence.batch-size=16")
            .withSet("coreset.embedding=proxy")
            .withSet("coreset.fraction=0.05")
            .withSet("stages=[commonness, influence, coreset]");
    Path out = tmp.resolve("out");
    Pipeline.Summary s = run(input, out, cfg);
    assertTrue(s.counts().accountingOk());
    assertEquals(400, s.counts().outputRows());

    // token counts in the shards and the manifest are the tokenizer's own
    HuggingFaceTokenizer t = HuggingFaceTokenizer.load(tok.toString());
    List<Row> rows =
        spark
            .read()
            .parquet(out.resolve(Columns.SHARDS_DIR).toString())
            .select(Columns.TEXT, Columns.N_TOKENS)
            .collectAsList();
    long sum = 0;
    for (Row r : rows) {
      assertEquals(t.count(r.getString(0)), r.getInt(1), r.getString(0));
      sum += r.getInt(1);
    }
    assertEquals(sum, s.counts().outputTokens());

    Tokenizer.Description tokenizer =
        s.manifest().stages().get("ingest").details(IngestDetails.class).tokenizer();
    assertEquals("huggingface", tokenizer.kind());
    assertEquals(t.sha256(), tokenizer.sha256());
    ProxyModelDetails imported =
        s.manifest().stages().get("proxy-model").details(ProxyModelDetails.class);
    assertEquals("torchscript", imported.format(), imported.toString());
    InfluenceDetails influence =
        s.manifest().stages().get("influence").details(InfluenceDetails.class);
    assertEquals(List.of("head"), influence.layers());
    assertTrue(
        s.manifest().stages().containsKey("coreset"), s.manifest().stages().keySet().toString());

    // resume: nothing recomputed; the tokenizer replaced in place re-runs ingest and the rest
    run(input, out, cfg);
    assertTrue(
        LOG.toString().contains("proxy-model: committed result is current, skipped"),
        LOG.toString());
    assertTrue(LOG.toString().contains("ingest: committed result is current, skipped"));
    Files.writeString(tok, Files.readString(tok) + "\n");
    run(input, out, cfg);
    assertTrue(LOG.toString().contains("ingest: started"), LOG.toString());
    assertTrue(LOG.toString().contains("commonness: started"), LOG.toString());
  }
}
