package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.jobs.examples.ReadShards;
import io.reweigh.sampler.ShardSets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/trainers.md's example reader on real pipeline outputs: what it reads equals the manifest,
 * weighted draws follow the weights, resampled shards hold the copies in order.
 */
class TrainerExampleTest {
  @TempDir Path tmp;

  private Pipeline.Summary run(Path out, String... sets) {
    io.reweigh.core.config.ResolvedConfig cfg =
        io.reweigh.core.config.ResolvedConfig.defaults()
            .withSet("stages=[commonness]")
            .withSet("softdedup.order=3")
            .withSet("sampler.shard-rows=150");
    for (String s : sets) {
      cfg = cfg.withSet(s);
    }
    return Pipeline.run(
        PipelineTest.spark,
        new Pipeline.Options(tmp.resolve("in").toString(), out.toString(), cfg, false),
        new io.reweigh.jobs.stage.Progress(
            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), 60));
  }

  @Test
  void theDocumentedReaderSeesWhatTheManifestSays() throws Exception {
    new io.reweigh.core.demo.DemoCorpus(5)
        .writeJsonl(
            tmp.resolve("in"),
            500,
            2,
            new io.reweigh.core.demo.DemoCorpus.BadRows(0, 0, 0, 0, 0, 0));
    Path weighted = tmp.resolve("weighted");
    Pipeline.Summary w = run(weighted);
    List<ReadShards.ShardSet> sets = ReadShards.read(weighted.toString());
    assertEquals(1, sets.size());
    List<ReadShards.Doc> docs = sets.get(0).rows();
    assertEquals(w.counts().outputRows(), docs.size());
    assertEquals(w.counts().outputTokens(), sets.get(0).tokens());
    // draws ∝ weight: the heaviest tenth of the documents is drawn far more often than its share
    List<ReadShards.Doc> drawn = ReadShards.weightedDraw(docs, 20_000, 1);
    double total = docs.stream().mapToDouble(ReadShards.Doc::weight).sum();
    Map<String, Integer> counts = new HashMap<>();
    drawn.forEach(d -> counts.merge(d.id(), 1, Integer::sum));
    ReadShards.Doc heaviest =
        docs.stream().max(java.util.Comparator.comparingDouble(ReadShards.Doc::weight)).get();
    double expected = 20_000 * heaviest.weight() / total;
    assertEquals(expected, counts.getOrDefault(heaviest.id(), 0), 5 * Math.sqrt(expected) + 1);

    // the same output folder: ingest and commonness are committed, only the sampler runs again
    Path resampled = weighted;
    Pipeline.Summary r =
        run(
            resampled,
            "sampler.mode=resample",
            "sampler.target-tokens=" + 2 * w.counts().outputTokens());
    List<ReadShards.Doc> rows = ReadShards.read(resampled.toString()).get(0).rows();
    assertEquals(r.counts().shardRows(), rows.size());
    long tokens = rows.stream().mapToLong(ReadShards.Doc::tokens).sum();
    assertEquals(r.counts().outputTokens(), tokens);
    assertTrue(
        Math.abs(tokens - 2 * w.counts().outputTokens()) <= 0.005 * 2 * w.counts().outputTokens());
    assertEquals(
        r.counts().inputRows(),
        r.counts().outputRows() + r.counts().unsampledRows() + r.counts().rejectedRows());
    ShardSets.SetResult set = r.manifest().shardSets().get(0);
    assertEquals(set.rows(), rows.size());
  }
}
