package io.reweigh.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.text.UnicodeTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GramTablesTest {
  private static final UnicodeTokenizer TOK = new UnicodeTokenizer(false);

  static List<long[]> demo(int docs) {
    List<long[]> out = new ArrayList<>();
    for (DemoCorpus.Doc d : new DemoCorpus(3).generate(docs)) {
      out.add(TOK.tokenIds(d.text()));
    }
    return out;
  }

  @Test
  void longIndexAssignsDenseIndicesToAnyKey() {
    LongIndex x = new LongIndex(4);
    Map<Long, Integer> want = new HashMap<>();
    Random r = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      // small keys collide in the low bits, 0 and -1 are ordinary keys
      long k = i % 3 == 0 ? r.nextInt(1000) - 500 : r.nextLong();
      int before = x.size();
      int got = x.add(k);
      Integer prev = want.putIfAbsent(k, before);
      assertEquals(prev == null ? before : prev, got);
    }
    assertEquals(want.size(), x.size());
    for (Map.Entry<Long, Integer> e : want.entrySet()) {
      assertEquals(e.getValue(), x.get(e.getKey()));
      assertEquals(e.getKey(), x.key(e.getValue()));
    }
    assertEquals(-1, x.get(123_456_789_012L));
  }

  @Test
  void scoreMapReturnsEveryValueAndRefusesAbsentKeys() {
    Random r = new Random(11);
    Map<Long, Long> want = new HashMap<>();
    want.put(0L, -42L); // key 0 is the empty marker of the slots, kept beside them
    want.put(-1L, -7L);
    for (int i = 0; i < 20_000; i++) {
      long k = i % 4 == 0 ? r.nextInt(5000) - 2500 : r.nextLong();
      want.putIfAbsent(k, -(long) r.nextInt(1 << 20));
    }
    long[] keys = want.keySet().stream().mapToLong(Long::longValue).toArray();
    long[] values = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      values[i] = want.get(keys[i]);
    }
    ScoreMap m = ScoreMap.of(keys, values);
    assertEquals(want.size(), m.size());
    want.forEach((k, v) -> assertEquals(v, m.get(k), "key " + k));
    assertThrows(IllegalStateException.class, () -> m.get(123_456_789_012L));
    ScoreMap noZero = ScoreMap.of(new long[] {5L, 9L}, new long[] {-1L, -2L});
    assertThrows(IllegalStateException.class, () -> noZero.get(0L));
    assertEquals(-2L, noZero.get(9L));
  }

  /** Key of the tokens padded[from..to] (inclusive), built right to left as NGrams documents. */
  static long key(long[] padded, int from, int to) {
    long h = NGrams.EMPTY;
    for (int i = to; i >= from; i--) {
      h = io.reweigh.core.hash.Hash64.combine(h, padded[i]);
    }
    return h;
  }

  /** The reused history keys and the top-order-only walk give the keys of the definition. */
  @Test
  void positionKeysFollowTheirDefinition() {
    long[] tokens = TOK.tokenIds("the cat sat on the mat and the cat sat");
    for (int n = 1; n <= 5; n++) {
      int pad = n - 1;
      long[] padded = new long[pad + tokens.length + 1];
      java.util.Arrays.fill(padded, 0, pad, NGrams.BOS);
      System.arraycopy(tokens, 0, padded, pad, tokens.length);
      padded[padded.length - 1] = NGrams.EOS;
      int order = n;
      List<Long> top = new ArrayList<>();
      NGrams.forEachPosition(
          tokens,
          n,
          (j, s, c) -> {
            int at = j + pad;
            for (int k = 1; k <= order; k++) {
              assertEquals(key(padded, at - k + 1, at), s[k - 1], "s" + k + " at " + j);
              assertEquals(key(padded, at - k + 1, at - 1), c[k - 1], "c" + k + " at " + j);
            }
            top.add(s[order - 1]);
          });
      List<Long> walked = new ArrayList<>();
      for (long key : NGrams.gramKeys(tokens, n)) {
        walked.add(key);
      }
      assertEquals(top, walked);
      assertEquals(NGrams.positions(tokens.length), walked.size());
    }
  }

  /** Every position's ln P from the tables equals the reference model's, bit for bit. */
  @Test
  void probabilitiesEqualTheReferenceModel() {
    List<long[]> docs = demo(600);
    for (int n : new int[] {1, 2, 4}) {
      KneserNeyModel ref = KneserNeyModel.train(docs, n);
      GramTables t = new GramTables(n, 16);
      docs.forEach(t::add);
      GramTables.Probabilities p = t.probabilities();
      assertEquals(ref.vocabularySize(), p.vocabulary());
      for (int k = 1; k <= n; k++) {
        assertEquals((long) ref.distinct(k), p.orders().get(k - 1).distinct());
        assertEquals(ref.discounts(k).d1(), p.orders().get(k - 1).d1());
        assertEquals(ref.discounts(k).d3(), p.orders().get(k - 1).d3());
      }
      for (long[] d : docs) {
        DocScore want = ref.score(d);
        DocScore got = p.logProbs().score(d, n);
        assertEquals(want, got, "order " + n);
      }
    }
  }

  /**
   * Documents longer than the block of positions whose keys are computed before they are put
   * (1,024) count as the reference model does: the blocks end mid-document, one and several times.
   */
  @Test
  void documentsLongerThanOneBlockCountAsTheReferenceModel() {
    Random r = new Random(11);
    List<long[]> docs = new ArrayList<>();
    for (int len : new int[] {1023, 1024, 1025, 2047, 2048, 5000, 3}) {
      long[] d = new long[len];
      for (int i = 0; i < len; i++) {
        d[i] = 1 + r.nextInt(40); // few distinct tokens: grams repeat across block ends
      }
      docs.add(d);
    }
    for (int n : new int[] {1, 3, 4}) {
      KneserNeyModel ref = KneserNeyModel.train(docs, n);
      GramTables t = new GramTables(n, 16);
      docs.forEach(t::add);
      GramTables.Probabilities p = t.probabilities();
      for (int k = 1; k <= n; k++) {
        assertEquals((long) ref.distinct(k), p.orders().get(k - 1).distinct());
      }
      for (long[] d : docs) {
        assertEquals(ref.score(d), p.logProbs().score(d, n), "order " + n);
      }
    }
  }

  /** A cleared table counts as a new one: same grams, same counts, same array. */
  @Test
  void aClearedTableCountsLikeANewOne() {
    List<long[]> docs = demo(400);
    GramTables reused = new GramTables(3, 16);
    docs.subList(0, 200).forEach(reused::add);
    reused.clear();
    assertEquals(0, reused.entries());
    GramTables fresh = new GramTables(3, 16);
    for (long[] d : docs.subList(200, 400)) {
      reused.add(d);
      fresh.add(d);
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(fresh.toArray(), reused.toArray());
  }

  /** Probabilities computed on a pool (per-gram loops split in ranges) have the same bits. */
  @Test
  void probabilitiesOnAPoolAreTheSame() {
    List<long[]> docs = demo(3000); // over 65,536 grams per order: the loops are split
    int n = 4;
    GramTables t = new GramTables(n, 16);
    docs.forEach(t::add);
    assertTrue(t.distinct(n) > 1 << 16, "distinct " + t.distinct(n));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      GramTables.Probabilities one = t.probabilities();
      GramTables.Probabilities many = t.probabilities(pool);
      assertEquals(one.orders(), many.orders());
      assertEquals(one.logProbs().size(), many.logProbs().size());
      for (long[] d : docs) {
        assertEquals(one.logProbs().score(d, n), many.logProbs().score(d, n));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Tables counted in parts and merged (any split, any order) equal tables counted at once. */
  @Test
  void mergedPartsEqualOneTable() {
    List<long[]> docs = demo(500);
    int n = 3;
    GramTables whole = new GramTables(n, 16);
    docs.forEach(whole::add);
    GramTables[] parts = {new GramTables(n, 16), new GramTables(n, 16), new GramTables(n, 16)};
    for (int i = 0; i < docs.size(); i++) {
      parts[(i * 7) % 3].add(docs.get(i));
    }
    GramTables merged = new GramTables(n, 16);
    for (int i = parts.length - 1; i >= 0; i--) {
      merged.merge(parts[i].toArray());
    }
    for (int k = 1; k <= n; k++) {
      assertEquals(whole.distinct(k), merged.distinct(k));
    }
    ScoreMap a = whole.probabilities().logProbs();
    ScoreMap b = merged.probabilities().logProbs();
    for (long[] d : docs) {
      assertEquals(a.score(d, n), b.score(d, n));
    }
    assertTrue(whole.bytes() > 0 && whole.entries() > 0);
    // one thread per order builds the same tables, index for index
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      GramTables parallel = new GramTables(n, 16);
      for (int i = parts.length - 1; i >= 0; i--) {
        parallel.merge(parts[i].toArray(), pool);
      }
      org.junit.jupiter.api.Assertions.assertArrayEquals(merged.toArray(), parallel.toArray());
      assertThrows(
          IllegalArgumentException.class,
          () -> parallel.merge(new GramTables(2, 16).toArray(), pool));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void mismatchedOrdersAndUncountedGramsAreErrors() {
    GramTables three = new GramTables(3, 16);
    three.add(TOK.tokenIds("a b c"));
    GramTables two = new GramTables(2, 16);
    assertThrows(IllegalArgumentException.class, () -> two.merge(three.toArray()));
    ScoreMap m = three.probabilities().logProbs();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> m.score(TOK.tokenIds("x y"), 3));
    assertTrue(e.getMessage().contains("not counted"), e.getMessage());
  }
}
