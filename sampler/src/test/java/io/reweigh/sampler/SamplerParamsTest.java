package io.reweigh.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.ReweighException;
import io.reweigh.core.signal.Signal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerParamsTest {
  @Test
  void rowsCutIntoFullShardsAndALastPartialOne() {
    ShardSize s = new ShardSize(ShardSize.Unit.ROWS, 500);
    // row i has i rows before it
    assertEquals(0, s.rawShard(0));
    assertEquals(0, s.rawShard(499));
    assertEquals(1, s.rawShard(500));
    assertEquals(2, s.rawShard(1199));
    assertEquals("part-00002-of-00003.parquet", ShardSize.name(2, 3));
  }

  @Test
  void bytesAndTokensCutAtTheTargetWithinOneRow() {
    ShardSize s = new ShardSize(ShardSize.Unit.TOKENS, 100);
    long[] sizes = {40, 40, 40, 250, 10, 90, 5};
    long before = 0;
    long[] raw = new long[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      raw[i] = s.rawShard(before);
      before += sizes[i];
    }
    // befores 0,40,80,120,370,380,470 → raw 0,0,0,1,3,3,4: raw 2 is skipped (the 250-token row)
    // and the sampler closes the gap, so the shards are {0,1,2} {3} {4,5} {6}
    org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {0, 0, 0, 1, 3, 3, 4}, raw);
  }

  @Test
  void oneShardSizeKeyAtMost() {
    ResolvedConfig cfg = ResolvedConfig.defaults();
    assertEquals(new ShardSize(ShardSize.Unit.ROWS, 100_000), ShardSize.fromConfig(cfg));
    assertEquals(
        new ShardSize(ShardSize.Unit.BYTES, 1 << 20),
        ShardSize.fromConfig(cfg.withSet("sampler.shard-bytes=1048576")));
    assertEquals(
        new ShardSize(ShardSize.Unit.TOKENS, 5000),
        ShardSize.fromConfig(cfg.withSet("sampler.shard-tokens=5000")));
    ReweighException e =
        assertThrows(
            ReweighException.class,
            () ->
                ShardSize.fromConfig(
                    cfg.withSet("sampler.shard-rows=10").withSet("sampler.shard-tokens=99")));
    assertEquals(2, e.exitCode());
    assertTrue(
        e.getMessage()
            .startsWith(
                "Shard size is set twice: [sampler.shard-rows=10, sampler.shard-tokens=99]."),
        e.getMessage());
  }

  @Test
  void tooManyShardsNamesTheKeyToRaise() {
    ShardSize s = new ShardSize(ShardSize.Unit.ROWS, 1);
    s.checkCount(99_999, 99_999);
    ReweighException e =
        assertThrows(ReweighException.class, () -> s.checkCount(1_000_000, 1_000_000));
    assertTrue(
        e.getMessage()
            .startsWith("1000000 rows at 1 per shard gives 1000000 shards, more than 99,999."),
        e.getMessage());
    assertTrue(e.getMessage().contains("Raise sampler.shard-rows."), e.getMessage());
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

  @Test
  void phasesNeedAPhasedSignalAndSplitTheBudget() {
    ResolvedConfig cfg = ResolvedConfig.defaults().withSet("sampler.phases=true");
    Map<String, Signal.Outputs> fake = Map.of("fake", new FakeSignal().outputs(cfg));
    ReweighException e =
        assertThrows(ReweighException.class, () -> SamplerParams.fromConfig(cfg, fake));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("none of the signals in use [fake]"), e.getMessage());
    Map<String, Signal.Outputs> phased =
        Map.of(
            "fake", new Signal.Outputs("w1", List.of("w2"), null, null, null, List.of("w1", "w2")));
    SamplerParams p = SamplerParams.fromConfig(cfg.withSet("sampler.phase-split=0.25"), phased);
    List<SamplerParams.ShardSet> sets = p.shardSets();
    assertEquals(
        List.of(
            new SamplerParams.ShardSet("phase-1", "shards/phase-1", 1, 0.25),
            new SamplerParams.ShardSet("phase-2", "shards/phase-2", 2, 0.75)),
        sets);
    assertEquals("w1", p.signals().get(0).columnFor(sets.get(0)));
    assertEquals("w2", p.signals().get(0).columnFor(sets.get(1)));
    assertEquals(
        List.of(new SamplerParams.ShardSet("shards", "shards", 0, 1.0)),
        SamplerParams.fromConfig(ResolvedConfig.defaults(), phased).shardSets());
  }
}
