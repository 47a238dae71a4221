package io.reweigh.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.signal.Signal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardPlanTest {
  @Test
  void cutsRowsIntoFullShardsAndALastPartialOne() {
    ShardPlan p = ShardPlan.of(1200, 500);
    assertEquals(3, p.numShards());
    assertEquals(500, p.rowsIn(0));
    assertEquals(200, p.rowsIn(2));
    assertEquals(0, p.shardOf(0));
    assertEquals(0, p.shardOf(499));
    assertEquals(1, p.shardOf(500));
    assertEquals(2, p.shardOf(1199));
    assertThrows(IllegalArgumentException.class, () -> p.shardOf(1200));
    assertEquals("part-00002-of-00003.parquet", p.name(2));
  }

  @Test
  void edgeCases() {
    assertEquals(0, ShardPlan.of(0, 10).numShards());
    assertEquals(1, ShardPlan.of(10, 10).numShards());
    assertEquals(10, ShardPlan.of(10, 1).numShards());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.of(1_000_000, 1));
    assertEquals(
        "1000000 rows at 1 rows per shard gives more than 99,999 shards; raise sampler.shard-rows",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ShardPlan(10, 3, 3));
  }

  @Test
  void signalsComeFromComputedStagesAndAlphas() {
    ResolvedConfig cfg = ResolvedConfig.defaults();
    assertEquals(List.of("fake"), cfg.stages(), "a registered signal is on by default");
    Map<String, Signal.Outputs> fake = Map.of("fake", new FakeSignal().outputs(cfg));
    assertEquals(List.of(), SamplerParams.fromConfig(cfg, Map.of()).signals());
    SamplerParams p = SamplerParams.fromConfig(cfg, fake);
    assertEquals(List.of(new SamplerParams.Signal("fake", "weight_fake", 1.0)), p.signals());
    assertEquals(0.5, p.combine(new double[] {0.5}));
    SamplerParams sq = SamplerParams.fromConfig(cfg.withSet("sampler.alpha.fake=2"), fake);
    assertEquals(0.25, sq.combine(new double[] {0.5}), 1e-15);
    assertEquals(
        List.of(),
        SamplerParams.fromConfig(cfg.withSet("sampler.alpha.fake=0"), fake).signals(),
        "alpha 0 switches the signal off");
  }
}
