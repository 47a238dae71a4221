package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.signal.Signal;
import io.reweigh.core.signal.Signals;
import io.reweigh.core.spark.SignalStage;
import io.reweigh.core.testing.ByoExample;
import io.reweigh.dedup.CommonnessParams;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.ProxyModelParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage fingerprints are the config keys a stage's plan read, no more and no fewer. */
class StageFingerprintTest {
  static String hash(Consumer<ResolvedConfig> plan, ResolvedConfig cfg) {
    ResolvedConfig r = cfg.recording();
    plan.accept(r);
    return r.hashOfReads();
  }

  static final ResolvedConfig BASE = ResolvedConfig.defaults();

  @Test
  void commonnessCoversTheSeedOnlyWhereItPicksTheSketchValidationSample() {
    Consumer<ResolvedConfig> plan = CommonnessParams::fromConfig;
    ResolvedConfig sketch = BASE.withSet("softdedup.mode=sketch");
    assertNotEquals(hash(plan, sketch), hash(plan, sketch.withSet("sampler.seed=7")));
    assertEquals(hash(plan, BASE), hash(plan, BASE.withSet("sampler.seed=7")), "exact mode");
    assertEquals(
        hash(plan, BASE), hash(plan, BASE.withSet("softdedup.sketch.eps=1e-5")), "exact mode");
    assertNotEquals(hash(plan, BASE), hash(plan, BASE.withSet("softdedup.order=3")));
    assertNotEquals(hash(plan, BASE), hash(plan, BASE.withSet("tokenizer.lowercase=true")));
  }

  @Test
  void theProxyModelIsNotRetrainedForAWeightingKey() {
    Consumer<ResolvedConfig> plan = ProxyModelParams::fromConfig;
    for (String weighting :
        List.of(
            "influence.tau1=2",
            "influence.tau2=-2",
            "influence.clip-low=0.05",
            "influence.drop-top-fraction=0.1",
            "influence.phase=1",
            "influence.layers=[head]",
            "influence.batch-size=8",
            "influence.threads=3")) {
      assertEquals(hash(plan, BASE), hash(plan, BASE.withSet(weighting)), weighting);
    }
    assertNotEquals(hash(plan, BASE), hash(plan, BASE.withSet("influence.train-steps=9")));
    assertNotEquals(hash(plan, BASE), hash(plan, BASE.withSet("influence.seed=9")));
    // the scoring stage does change with the weighting keys, not with thread counts
    Consumer<ResolvedConfig> score = InfluenceParams::fromConfig;
    assertNotEquals(hash(score, BASE), hash(score, BASE.withSet("influence.tau1=2")));
    assertEquals(hash(score, BASE), hash(score, BASE.withSet("influence.threads=3")));
  }

  /**
   * influence.model: the imported model's fingerprint is its file's content (replaced in place, it
   * changes) and the tokenizer's; the proxy LM's training keys are not read.
   */
  @Test
  void aUserModelIsFingerprintedByItsContentNotTrainingKeys(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("lm.pt");
    Files.copy(ByoExample.model(), model);
    ResolvedConfig byo =
        BASE.with("tokenizer.kind", "huggingface")
            .with("tokenizer.path", ByoExample.tokenizer().toString())
            .with("influence.model", model.toString());
    Consumer<ResolvedConfig> plan = ProxyModelParams::fromConfig;
    String before = hash(plan, byo);
    for (String training :
        List.of("influence.train-steps=9", "influence.seed=9", "influence.proxy.width=64")) {
      assertEquals(before, hash(plan, byo.withSet(training)), training);
    }
    assertNotEquals(before, hash(plan, byo.withSet("influence.max-tokens=16")));
    Files.write(model, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
    assertNotEquals(before, hash(plan, byo), "model file replaced in place");
  }

  @Test
  void everyRegisteredSignalHasItsStageKeysAndAlpha() {
    // every signal has exactly one Spark stage, and every stage a signal
    assertFalse(Signals.names().isEmpty());
    assertEquals(
        new java.util.TreeSet<>(Signals.names()), new java.util.TreeSet<>(SignalStages.names()));
    for (Signal s : Signals.all()) {
      SignalStage<?> stage = SignalStages.stage(s);
      ResolvedConfig r = BASE.recording();
      stage.plan(r);
      assertFalse(r.keysRead().isEmpty(), s.name());
      for (String key : r.keysRead()) {
        assertTrue(Keys.find(key) != null, key);
      }
      assertEquals(1.0, BASE.get(Keys.alpha(s.name())));
      assertTrue(s.outputs(BASE).weightColumn().startsWith("weight_" + s.name()), s.name());
    }
  }
}
