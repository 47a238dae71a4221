package io.reweigh.dedup;

import io.reweigh.core.text.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An interpolated modified Kneser-Ney model held in memory: trained on documents, scores documents.
 * It is the reference both exact paths must match bit for bit (the in-memory {@link GramTables} and
 * the distributed Spark plan). Counting follows the definitions directly, in boxed maps: raw counts
 * at the highest order, and at lower orders the number of distinct (k+1)-grams that end in the
 * k-gram.
 */
public final class KneserNeyModel {
  private final int n;
  private final List<Map<Long, Long>> grams = new ArrayList<>(); // order k-1 → (S_k → a_k)
  private final List<Map<Long, long[]>> contexts = new ArrayList<>(); // C_k → {sum, n1, n2, n3+}
  private final Discounts[] discounts;
  private long vocab;

  private KneserNeyModel(int n) {
    this.n = n;
    for (int k = 0; k < n; k++) {
      grams.add(new HashMap<>());
      contexts.add(new HashMap<>());
    }
    this.discounts = new Discounts[n];
  }

  /** Trains on token-id documents (see {@link Tokenizer#tokenIds}). */
  public static KneserNeyModel train(Iterable<long[]> docs, int n) {
    return train(docs, n, null);
  }

  /**
   * Trains with the given discounts per order (index k−1), or discounts estimated from the
   * counts-of-counts when {@code fixed} is null.
   */
  public static KneserNeyModel train(Iterable<long[]> docs, int n, Discounts[] fixed) {
    if (n < 1) {
      throw new IllegalArgumentException("order must be ≥ 1");
    }
    KneserNeyModel m = new KneserNeyModel(n);
    for (long[] doc : docs) {
      NGrams.forEachPosition(
          doc,
          n,
          (j, s, c) -> {
            // highest order: raw count
            boolean isNew = m.grams.get(n - 1).merge(s[n - 1], 1L, Long::sum) == 1L;
            m.registerContext(n, s[n - 1], c[n - 1]);
            // lower orders: a_k(S_k) += 1 for each new distinct (k+1)-gram ending in S_k
            for (int k = n - 1; k >= 1 && isNew; k--) {
              isNew = m.grams.get(k - 1).merge(s[k - 1], 1L, Long::sum) == 1L;
              m.registerContext(k, s[k - 1], c[k - 1]);
            }
          });
    }
    // context stats and counts-of-counts per order
    for (int k = 1; k <= n; k++) {
      Map<Long, Long> a = m.grams.get(k - 1);
      Map<Long, long[]> ctx = m.contexts.get(k - 1);
      long[] coc = new long[6]; // index 1..4: count exactly i; 5: more
      Map<Long, long[]> stats = new HashMap<>();
      for (Map.Entry<Long, long[]> e : ctx.entrySet()) {
        // e: gram → {context key}; turn into context → stats
        long gram = e.getKey();
        long context = e.getValue()[0];
        long count = a.get(gram);
        long[] st = stats.computeIfAbsent(context, x -> new long[4]);
        st[0] += count;
        st[count == 1 ? 1 : (count == 2 ? 2 : 3)]++;
        coc[(int) Math.min(count, 5)]++;
      }
      m.contexts.set(k - 1, stats);
      m.discounts[k - 1] =
          fixed != null
              ? fixed[k - 1]
              : Discounts.fromCountsOfCounts(coc[1], coc[2], coc[3], coc[4]);
    }
    m.vocab = m.grams.get(0).size();
    return m;
  }

  /** During counting, contexts map holds gram → {its context key}; converted after counting. */
  private void registerContext(int k, long gram, long context) {
    contexts.get(k - 1).putIfAbsent(gram, new long[] {context});
  }

  public int order() {
    return n;
  }

  public Discounts discounts(int k) {
    return discounts[k - 1];
  }

  public long vocabularySize() {
    return vocab;
  }

  /** Number of distinct k-grams (with adjusted counts) of order k. */
  public int distinct(int k) {
    return grams.get(k - 1).size();
  }

  /** P_n of the last token given its history, from the keys of one position. */
  public double probability(long[] s, long[] c) {
    double p = 1.0 / vocab;
    for (int k = 1; k <= n; k++) {
      long[] st = contexts.get(k - 1).get(c[k - 1]);
      if (st == null) {
        continue; // history never seen: back off completely
      }
      KneserNey.ContextStats ctx = new KneserNey.ContextStats(st[0], st[1], st[2], st[3]);
      long a = grams.get(k - 1).getOrDefault(s[k - 1], 0L);
      Discounts d = discounts[k - 1];
      p = a > 0 ? KneserNey.interpolate(a, ctx, d, p) : KneserNey.gamma(ctx, d) * p;
    }
    return p;
  }

  public DocScore score(long[] tokens) {
    long[] sum = {0};
    NGrams.forEachPosition(
        tokens, n, (j, s, c) -> sum[0] += DocScore.toFixed(StrictMath.log(probability(s, c))));
    return new DocScore(sum[0], NGrams.positions(tokens.length));
  }
}
