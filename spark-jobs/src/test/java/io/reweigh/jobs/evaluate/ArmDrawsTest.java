package io.reweigh.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.UnicodeTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Window-level draws with common random numbers (docs/evaluation.md, "How windows are drawn"): a
 * long document contributes chunks in proportion to its weighted tokens instead of all or nothing,
 * arms with nearly equal weights draw nearly the same chunks in the same order, and partitioning
 * changes nothing.
 */
class ArmDrawsTest {
  static final SparkSession spark = SharedSpark.session();
  static final Tokenizer TOKENIZER = new UnicodeTokenizer(false);
  static final int CONTEXT = 16;
  static final int VOCAB = 4096;

  static final StructType SCHEMA =
      new StructType()
          .add(ArmPool.KEY, DataTypes.StringType)
          .add(ArmPool.TEXT, DataTypes.StringType)
          .add(ArmPool.N, DataTypes.LongType)
          .add(ArmPool.W, DataTypes.DoubleType)
          .add(ArmPool.DOMAIN, DataTypes.StringType);

  /** 400 documents of 20 tokens ("d<i>w<j>") and one of 8,000 tokens (the word "long"). */
  static List<Row> rows(Map<String, Double> weights) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      rows.add(doc("doc-" + i, "d" + i + "w", 20, true, weights.getOrDefault("doc-" + i, 1.0)));
    }
    rows.add(doc("long", "long", 8_000, false, weights.getOrDefault("long", 1.0)));
    return rows;
  }

  /** {@code tokens} words: {@code word} followed by its position, or {@code word} repeated. */
  static Row doc(String key, String word, int tokens, boolean numbered, double w) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < tokens; j++) {
      sb.append(word).append(numbered ? String.valueOf(j) : "").append(' ');
    }
    return RowFactory.create(key, sb.toString().trim(), (long) tokens, w, null);
  }

  /** The long document's one evaluation id. */
  static final int LONG_ID =
      io.reweigh.influence.evaluate.Evaluation.encode(TOKENIZER, "long", VOCAB)[1];

  /** A chunk of the long document: every id but a leading boundary is the word "long". */
  static boolean isLong(int[] chunk) {
    for (int i = chunk[0] == io.reweigh.influence.Sequences.BOUNDARY ? 1 : 0;
        i < chunk.length;
        i++) {
      if (chunk[i] != LONG_ID) {
        return false;
      }
    }
    return true;
  }

  static ArmPool pool(String arm, List<Row> rows, int partitions) {
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    return new ArmPool(arm, "test", df);
  }

  static long tokens(List<int[]> chunks) {
    return chunks.stream().mapToLong(c -> c.length).sum();
  }

  @Test
  void aLongDocumentContributesChunksInProportionToItsTokensNotAllOrNothing() {
    // 8,000 of 16,401 ids belong to the long document; a budget of 2,000 ids: each chunk is drawn
    // with probability ~0.15, so the long document gives ~150 of ~250 chunks, never all or none
    long budget = 2_000;
    double longShare = 8_001.0 / (8_001 + 400 * 21);
    List<Double> shares = new ArrayList<>();
    for (long seed = 0; seed < 8; seed++) {
      ArmDraws.Drawn d =
          ArmDraws.draw(
              pool("uniform", rows(Map.of()), 3), seed, budget, CONTEXT, VOCAB, TOKENIZER);
      long all = tokens(d.chunks());
      assertEquals(ArmDraws.MARGIN * budget, all, 0.25 * ArmDraws.MARGIN * budget, "seed " + seed);
      long fromLong =
          d.chunks().stream().filter(ArmDrawsTest::isLong).mapToLong(c -> c.length).sum();
      shares.add(fromLong / (double) all);
    }
    for (double s : shares) {
      assertEquals(longShare, s, 0.15, "share of the long document " + shares);
    }
  }

  @Test
  void armsWithNearlyEqualWeightsDrawNearlyTheSameChunksInTheSameOrder() {
    Map<String, Double> changed = new HashMap<>();
    for (int i = 0; i < 400; i += 50) {
      changed.put("doc-" + i, 1.5); // 8 of 401 documents weigh more
    }
    long budget = 3_000;
    ArmDraws.Drawn a =
        ArmDraws.draw(pool("uniform", rows(Map.of()), 2), 5, budget, CONTEXT, VOCAB, TOKENIZER);
    ArmDraws.Drawn b =
        ArmDraws.draw(pool("weighted", rows(changed), 4), 5, budget, CONTEXT, VOCAB, TOKENIZER);
    // the same draw for an arm's own weights, whatever the partitioning
    ArmDraws.Drawn a2 =
        ArmDraws.draw(pool("uniform", rows(Map.of()), 5), 5, budget, CONTEXT, VOCAB, TOKENIZER);
    assertEquals(a.chunks().size(), a2.chunks().size());
    for (int i = 0; i < a.chunks().size(); i++) {
      assertTrue(Arrays.equals(a.chunks().get(i), a2.chunks().get(i)), "chunk " + i);
    }
    // common random numbers: the streams share nearly every chunk, in the same order
    int common = commonSubsequence(a.chunks(), b.chunks());
    assertTrue(
        common > 0.9 * Math.min(a.chunks().size(), b.chunks().size()),
        common + " of " + a.chunks().size() + " / " + b.chunks().size());
    // other seeds: other draws
    ArmDraws.Drawn c =
        ArmDraws.draw(pool("uniform", rows(Map.of()), 2), 6, budget, CONTEXT, VOCAB, TOKENIZER);
    assertTrue(commonSubsequence(a.chunks(), c.chunks()) < 0.5 * a.chunks().size());
  }

  @Test
  void aPoolThatDrawsNothingTrainsOnItsHeaviestDocument() {
    List<Row> rows = List.of(doc("a", "a", 1_000, true, 1.0), doc("b", "b", 1_000, true, 2.0));
    // a budget of one id: 0.08 chunks drawn in expectation, so most seeds draw nothing
    int fallbacks = 0;
    for (long seed = 0; seed < 10; seed++) {
      ArmDraws.Drawn d = ArmDraws.draw(pool("x", rows, 1), seed, 1, CONTEXT, VOCAB, TOKENIZER);
      if (d.drawn() == 0) {
        fallbacks++;
        assertEquals(1_001, tokens(d.chunks()), "every chunk of document b");
        assertEquals(1, d.drawnDocuments());
      }
    }
    assertTrue(fallbacks > 5, fallbacks + " of 10 seeds drew nothing");
  }

  /** Length of the longest common subsequence of two chunk lists. */
  static int commonSubsequence(List<int[]> a, List<int[]> b) {
    int[][] t = new int[a.size() + 1][b.size() + 1];
    for (int i = 1; i <= a.size(); i++) {
      for (int j = 1; j <= b.size(); j++) {
        t[i][j] =
            Arrays.equals(a.get(i - 1), b.get(j - 1))
                ? t[i - 1][j - 1] + 1
                : Math.max(t[i - 1][j], t[i][j - 1]);
      }
    }
    return t[a.size()][b.size()];
  }
}
