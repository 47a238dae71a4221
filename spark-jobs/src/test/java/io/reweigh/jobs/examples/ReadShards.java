package io.reweigh.jobs.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * The runnable example of docs/trainers.md: a trainer reads reweigh's shards with parquet-java's
 * plain example reader (no Spark). It lists the shard sets and shards from manifest.json, reads
 * every row in shard order, and
 *
 * <ul>
 *   <li>weighted shards: draws documents with probability ∝ {@code weight} (what a weighted sampler
 *       in the training loop does);
 *   <li>resampled shards: reads the rows in order, once; the copies are already in the stream.
 * </ul>
 *
 * <p>Run: {@code java -cp <reweigh jar>:<spark jars> io.reweigh.jobs.examples.ReadShards OUT}
 * (TrainerExampleTest runs it on a fresh output).
 */
public final class ReadShards {
  private ReadShards() {}

  /** One row as a trainer sees it. */
  public record Doc(String id, String text, double weight, int tokens, int copy) {}

  /** A shard set read in order. */
  public record ShardSet(String dir, String mode, List<Doc> rows) {
    public long tokens() {
      return rows.stream().mapToLong(Doc::tokens).sum();
    }
  }

  public static List<ShardSet> read(String outputDir) throws Exception {
    JsonNode manifest = new ObjectMapper().readTree(new File(outputDir, "manifest.json"));
    String mode = manifest.get("mode").asText();
    Configuration conf = new Configuration();
    List<ShardSet> sets = new ArrayList<>();
    for (JsonNode set : manifest.get("shard_sets")) {
      String dir = set.get("dir").asText();
      List<Doc> rows = new ArrayList<>();
      // the manifest lists shards in order: part-00000-of-N, part-00001-of-N, …
      for (JsonNode shard : manifest.get("shards")) {
        String path = shard.get("path").asText();
        if (!path.substring(0, path.lastIndexOf('/')).equals(dir)) {
          continue;
        }
        Path file = new Path(new File(outputDir, path).toURI());
        try (ParquetReader<Group> reader =
            ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
          for (Group g = reader.read(); g != null; g = reader.read()) {
            boolean resampled = g.getType().containsField("copy");
            rows.add(
                new Doc(
                    g.getString("id", 0),
                    g.getString("text", 0),
                    g.getDouble("weight", 0),
                    g.getInteger("n_tokens", 0),
                    resampled ? g.getInteger("copy", 0) : 0));
          }
        }
      }
      sets.add(new ShardSet(dir, mode, rows));
    }
    return sets;
  }

  /**
   * Draws n documents with probability ∝ weight (with replacement, seeded): cumulative weights and
   * a binary search, as torch.utils.data.WeightedRandomSampler does.
   */
  public static List<Doc> weightedDraw(List<Doc> docs, int n, long seed) {
    double[] cum = new double[docs.size()];
    double total = 0;
    for (int i = 0; i < docs.size(); i++) {
      total += docs.get(i).weight();
      cum[i] = total;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Doc> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      double x = rnd.nextDouble() * total;
      int i = java.util.Arrays.binarySearch(cum, x);
      out.add(docs.get(i >= 0 ? i : Math.min(-i - 1, docs.size() - 1)));
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    for (ShardSet set : read(args[0])) {
      System.out.printf(
          "%s: %d rows, %d tokens (%s mode)%n",
          set.dir(), set.rows().size(), set.tokens(), set.mode());
      if (set.mode().equals("weighted")) {
        for (Doc d : weightedDraw(set.rows(), 5, 0)) {
          System.out.printf("  drew %s (weight %.3f)%n", d.id(), d.weight());
        }
      }
    }
  }
}
