package io.reweigh.influence.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.error.ReweighException;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.testing.ByoExample;
import io.reweigh.influence.InfluenceDetails;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.InfluenceSignal;
import io.reweigh.influence.ModelCache;
import io.reweigh.influence.TorchScriptLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * influence.model: a user's TorchScript LM (conf/byo/tiny-lm.pt) with its tokenizer.json, imported
 * by the proxy-model stage and scored by the influence stage in local Spark.
 */
class UserModelStageTest {
  static final SparkSession spark = SharedSpark.session();
  static Path dir;
  static JsonNode ref;
  static ProxyModelDetails modelStats;
  static InfluenceDetails stats;
  static Map<String, Row> scored = new HashMap<>();

  static ResolvedConfig cfg(String... sets) {
    ResolvedConfig cfg =
        ResolvedConfig.defaults()
            .with("tokenizer.kind", "huggingface")
            .with("tokenizer.path", ByoExample.tokenizer().toString())
            .with("influence.model", ByoExample.model().toString())
            .withSet("influence.max-tokens=32")
            .withSet("influence.batch-size=16");
    for (String s : sets) {
      cfg = cfg.withSet(s);
    }
    return cfg;
  }

  @BeforeAll
  static void run() throws Exception {
    dir = Files.createTempDirectory("user-model-stage");
    ref = ByoExample.reference();
    StructType schema =
        new StructType()
            .add(Columns.ID, DataTypes.StringType)
            .add(Columns.TEXT, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (DemoCorpus.Doc d : new DemoCorpus(5).generate(150)) {
      rows.add(RowFactory.create(d.id(), d.text()));
    }
    for (int i = 0; i < ref.get("texts").size(); i++) {
      rows.add(RowFactory.create("ref-" + i, ref.get("texts").get(i).asText()));
    }
    Dataset<Row> docs = spark.createDataFrame(rows, schema).repartition(4);
    InfluenceParams params = InfluenceParams.fromConfig(cfg());
    modelStats =
        ProxyModelStage.run(spark, docs, params.proxy(), dir.resolve("model").toString())
            .details(ProxyModelDetails.class);
    List<ProxyModelStage.Checkpoint> cps =
        ProxyModelStage.read(spark, dir.resolve("model").toString());
    assertEquals(1, cps.size());
    assertEquals(ModelCache.TORCHSCRIPT, cps.get(0).format());
    stats =
        InfluenceStage.run(spark, docs, params, cps, dir.resolve("si").toString())
            .details(InfluenceDetails.class);
    for (Row r : spark.read().parquet(dir.resolve("si").toString()).collectAsList()) {
      scored.put(r.getString(r.fieldIndex(Columns.ID)), r);
    }
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void theStageImportsTheModelInsteadOfTraining() {
    assertEquals("torchscript", modelStats.format());
    assertEquals(ref.get("vocabulary_size").asLong(), (long) modelStats.vocab());
    assertEquals(32L, (long) modelStats.hidden());
    assertTrue(Files.exists(dir.resolve("model").resolve(ProxyModelStage.USER_MODEL_FILE)));
    assertTrue(modelStats.lossFirst() == null, "nothing trained: " + modelStats);
    assertEquals(List.of("head"), stats.layers());
  }

  /** Scores written by the Spark stage equal autograd's per-document ones (window norm). */
  @Test
  void scoresEqualTheAutogradReference() {
    JsonNode want = ref.get("self_influence").get("window");
    assertEquals(150 + want.size(), scored.size());
    for (int i = 0; i < want.size(); i++) {
      Row r = scored.get("ref-" + i);
      double got = r.getDouble(r.fieldIndex(InfluenceSignal.SI));
      double w = want.get(i).asDouble();
      assertEquals(w, got, Math.max(1e-4 * w, 0), "ref-" + i);
      int tokens = r.getInt(r.fieldIndex(InfluenceSignal.TOKENS));
      assertEquals(Math.max(0, Math.min(ref.get("ids").get(i).size(), 33) - 1), tokens);
    }
  }

  private static ReweighException failure(ResolvedConfig cfg) {
    ReweighException e =
        assertThrows(
            ReweighException.class,
            () -> {
              InfluenceParams p = InfluenceParams.fromConfig(cfg);
              ProxyModelStage.run(spark, null, p.proxy(), dir.resolve("bad").toString());
            });
    System.out.println("exit " + e.kind().exitCode + ": " + e.getMessage());
    return e;
  }

  @Test
  void badModelsAreNamedWithTheFix() throws Exception {
    Path wrong = ByoExample.dir().resolve("wrong-signature.pt");
    ReweighException sig = failure(cfg("influence.model=\"" + wrong + "\""));
    assertEquals(3, sig.kind().exitCode);
    assertTrue(sig.getMessage().contains(wrong.toString()), sig.getMessage());
    assertTrue(sig.getMessage().contains(TorchScriptLm.SIGNATURE), sig.getMessage());

    ReweighException notTs = failure(cfg("influence.model=\"" + ByoExample.tokenizer() + "\""));
    assertEquals(3, notTs.kind().exitCode);
    assertTrue(notTs.getMessage().contains("cannot load it as TorchScript"), notTs.getMessage());

    ReweighException ctx = failure(cfg("influence.max-tokens=128"));
    assertEquals(3, ctx.kind().exitCode);
    assertTrue(ctx.getMessage().contains("influence.max-tokens"), ctx.getMessage());

    Path missing = dir.resolve("no-such-model.pt");
    ReweighException gone = failure(cfg("influence.model=\"" + missing + "\""));
    assertEquals(2, gone.kind().exitCode);
    assertTrue(gone.getMessage().contains(missing.toString()), gone.getMessage());

    ReweighException unicode = failure(cfg("tokenizer.kind=unicode"));
    assertEquals(2, unicode.kind().exitCode);
    assertTrue(unicode.getMessage().contains("tokenizer.kind=huggingface"), unicode.getMessage());
  }
}
