package io.reweigh.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.text.UnicodeTokenizer;
import io.reweigh.influence.evaluate.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The held-out sample is spread over the whole held-out set (both files, both domains), not its
 * first tokens in file order; it is capped, seeded and leaves leaked documents out.
 */
class HeldOutSetTest {
  static final SparkSession spark = SharedSpark.session();
  @TempDir static Path dir;
  static Dataset<Row> training;
  static String leakedText;

  static String text(String domain, int i) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < 50; j++) {
      sb.append(domain).append(i).append('w').append(j).append(' ');
    }
    return sb.toString().trim();
  }

  @BeforeAll
  static void files() throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (String domain : List.of("a", "b")) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        lines.add(
            json.writeValueAsString(
                Map.of("id", domain + "-" + i, "text", text(domain, i), "domain", domain)));
      }
      Files.write(dir.resolve(domain + ".jsonl"), lines);
    }
    leakedText = text("b", 7);
    training =
        spark.createDataFrame(
            List.of(RowFactory.create(leakedText), RowFactory.create("not held out")),
            new StructType().add(Columns.TEXT, DataTypes.StringType));
  }

  static HeldOutSet read(long maxTokens, long seed) {
    return HeldOutSet.read(
        spark,
        ResolvedConfig.defaults(),
        dir.toString(),
        training,
        new UnicodeTokenizer(false),
        new HeldOutSet.Sampling(16, 4096, maxTokens, 100, seed));
  }

  @Test
  void theSampleSpansEveryFileAndDomainUpToTheCap() {
    HeldOutSet h = read(2_000, 0);
    assertEquals(200, h.rows());
    assertEquals(1, h.leaked());
    assertEquals(199, h.documents());
    assertEquals(199 * 50, h.tokens());
    Evaluation.HeldOut w = h.windows();
    assertTrue(w.targets() <= 2_000 && w.targets() > 1_800, "targets " + w.targets());
    assertEquals(List.of("a", "b"), w.groupNames());
    long inB = java.util.Arrays.stream(w.groups()).filter(g -> g == 1).count();
    assertTrue(
        inB > 0.3 * w.windows().size() && inB < 0.7 * w.windows().size(),
        inB + " of " + w.windows().size() + " windows from the second file");
    assertTrue(h.sampledDocuments() > 60, "windows of many documents: " + h.sampledDocuments());
    // seeded: the same sample again, another with another seed
    assertEquals(windows(h), windows(read(2_000, 0)));
    assertNotEquals(windows(h), windows(read(2_000, 1)));
  }

  @Test
  void aSetBelowTheCapIsScoredWhole() {
    HeldOutSet h = read(1_000_000, 0);
    assertEquals(199 * 50, h.windows().targets());
    assertEquals(199, h.sampledDocuments());
  }

  static List<List<Integer>> windows(HeldOutSet h) {
    List<List<Integer>> out = new ArrayList<>();
    for (int[] w : h.windows().windows()) {
      out.add(java.util.Arrays.stream(w).boxed().toList());
    }
    return out;
  }
}
