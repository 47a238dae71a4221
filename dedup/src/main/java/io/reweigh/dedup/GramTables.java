package io.reweigh.dedup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The distinct n-grams of orders 1..n held in primitive arrays: the in-memory exact path of
 * SoftDedup commonness (docs/softdedup.md, "Two exact paths"). Each task counts its documents into
 * one of these, {@link #toArray} ships it to the driver, which {@link #merge}s them and computes
 * every highest-order gram's ln P with {@link #probabilities}, by the same formulas ({@link
 * KneserNey}) and from the same integer statistics as the distributed path, so both give the same
 * bits.
 *
 * <p>Per order k and distinct k-gram key S_k it keeps the key of its history C_k and of its (k−1)-
 * gram suffix S_{k−1}; both are functions of the gram. The highest order also keeps the raw count;
 * the continuation counts of the lower orders are derived after merging (a_k(x) = the number of
 * distinct (k+1)-grams whose suffix is x), which is what {@link KneserNeyModel} counts directly.
 */
public final class GramTables {
  private final int n;
  private final LongIndex[] index; // [k-1]
  private final long[][] context; // [k-1][i] = C_k
  private final long[][] suffix; // [k-1][i] = S_{k-1}, k ≥ 2
  private long[] count; // raw counts of the highest order

  public GramTables(int n, int expected) {
    if (n < 1) {
      throw new IllegalArgumentException("order must be ≥ 1");
    }
    this.n = n;
    index = new LongIndex[n];
    context = new long[n][];
    suffix = new long[n][];
    for (int k = 0; k < n; k++) {
      index[k] = new LongIndex(expected);
      context[k] = new long[Math.max(16, expected)];
      suffix[k] = new long[k == 0 ? 0 : Math.max(16, expected)];
    }
    count = new long[Math.max(16, expected)];
  }

  public int order() {
    return n;
  }

  /** Distinct grams of order k. */
  public int distinct(int k) {
    return index[k - 1].size();
  }

  /** Distinct grams of all orders. */
  public long entries() {
    long e = 0;
    for (LongIndex x : index) {
      e += x.size();
    }
    return e;
  }

  /** Approximate heap bytes held. */
  public long bytes() {
    long b = 8L * count.length;
    for (int k = 0; k < n; k++) {
      b += index[k].bytes() + 8L * context[k].length + 8L * suffix[k].length;
    }
    return b;
  }

  /**
   * Forgets every gram and keeps the arrays: a task that ships its tables and counts on reuses
   * memory it has already touched instead of growing fresh tables from scratch (on this project's
   * benchmark machine a first touch of heap memory costs more than the counting,
   * docs/benchmarks.md).
   */
  public void clear() {
    for (int k = 0; k < n; k++) {
      index[k].clear();
    }
    Arrays.fill(count, 0L);
  }

  /** Positions buffered before their keys go into the tables (~64 KB of keys at order 4). */
  private static final int BLOCK = 1024;

  private long[][] blockGrams; // [k-1][position in block] = S_k
  private long[][] blockContexts; // [k-1][position in block] = C_k
  private int buffered;

  /**
   * Counts every position of a token-id document (see {@link NGrams#forEachPosition}). The keys of
   * up to {@link #BLOCK} positions are computed first, then put into one order's table after the
   * other, so that the probes, each a likely cache miss, follow each other and the CPU overlaps
   * their misses (docs/benchmarks.md, "Lookups in a batch"). Each order's keys still go in in
   * position order, so the tables are the same, index for index, as one position at a time.
   */
  public void add(long[] tokens) {
    if (blockGrams == null) {
      blockGrams = new long[n][BLOCK];
      blockContexts = new long[n][BLOCK];
    }
    buffered = 0;
    NGrams.forEachPosition(
        tokens,
        n,
        (j, s, c) -> {
          for (int k = 0; k < n; k++) {
            blockGrams[k][buffered] = s[k];
            blockContexts[k][buffered] = c[k];
          }
          if (++buffered == BLOCK) {
            putBuffered();
          }
        });
    putBuffered();
  }

  private void putBuffered() {
    for (int k = 1; k <= n; k++) {
      long[] grams = blockGrams[k - 1];
      long[] contexts = blockContexts[k - 1];
      long[] suffixes = k >= 2 ? blockGrams[k - 2] : null;
      for (int j = 0; j < buffered; j++) {
        int i = put(k, grams[j], contexts[j], suffixes == null ? 0L : suffixes[j]);
        if (k == n) {
          count[i]++;
        }
      }
    }
    buffered = 0;
  }

  private int put(int k, long gram, long ctx, long suf) {
    LongIndex x = index[k - 1];
    int before = x.size();
    int i = x.add(gram);
    if (i == before) {
      if (i == context[k - 1].length) {
        int len = LongIndex.grow(i);
        context[k - 1] = Arrays.copyOf(context[k - 1], len);
        if (k >= 2) {
          suffix[k - 1] = Arrays.copyOf(suffix[k - 1], len);
        }
      }
      if (k == n && i == count.length) {
        count = Arrays.copyOf(count, LongIndex.grow(i));
      }
      context[k - 1][i] = ctx;
      if (k >= 2) {
        suffix[k - 1][i] = suf;
      }
    }
    return i;
  }

  /**
   * The tables as one array: n, then per order k: m_k, m_k keys, m_k contexts, m_k suffixes (k ≥
   * 2), m_k counts (k = n).
   */
  public long[] toArray() {
    long len = arrayLength();
    if (len > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("gram tables of one task exceed 2^31 longs");
    }
    long[] out = new long[(int) len];
    int p = 0;
    out[p++] = n;
    for (int k = 1; k <= n; k++) {
      int m = distinct(k);
      out[p++] = m;
      for (int i = 0; i < m; i++) {
        out[p++] = index[k - 1].key(i);
      }
      System.arraycopy(context[k - 1], 0, out, p, m);
      p += m;
      if (k >= 2) {
        System.arraycopy(suffix[k - 1], 0, out, p, m);
        p += m;
      }
      if (k == n) {
        System.arraycopy(count, 0, out, p, m);
        p += m;
      }
    }
    return out;
  }

  /** Length of {@link #toArray}'s result. */
  public long arrayLength() {
    long len = 1;
    for (int k = 1; k <= n; k++) {
      len += 1 + (long) distinct(k) * (2 + (k >= 2 ? 1 : 0) + (k == n ? 1 : 0));
    }
    return len;
  }

  /** Adds another task's tables (from {@link #toArray}). */
  public void merge(long[] other) {
    merge(other, null);
  }

  /**
   * Adds another task's tables, each order on its own thread of {@code pool} when one is given: the
   * orders share nothing but the highest order's counts, which only its thread touches, and each
   * order's grams are added in the same sequence either way, so the tables (and every index in
   * them) are the same. The driver of the in-memory path merges with one thread per core
   * (InMemoryCommonness), largest order first.
   */
  public void merge(long[] other, java.util.concurrent.ExecutorService pool) {
    if (other[0] != n) {
      throw new IllegalArgumentException("order " + other[0] + " tables merged into order " + n);
    }
    int[] start = new int[n + 1];
    long p = 1;
    for (int k = 1; k <= n; k++) {
      start[k] = (int) p;
      p += 1 + other[(int) p] * (2 + (k >= 2 ? 1 : 0) + (k == n ? 1 : 0));
    }
    List<Runnable> orders = new ArrayList<>();
    for (int k = n; k >= 1; k--) {
      int order = k;
      orders.add(() -> mergeOrder(other, order, start[order]));
    }
    runAll(pool, orders);
  }

  private void mergeOrder(long[] other, int k, int p) {
    int m = (int) other[p++];
    int keys = p;
    int ctx = keys + m;
    int suf = ctx + m;
    int cnt = suf + (k >= 2 ? m : 0);
    for (int i = 0; i < m; i++) {
      int j = put(k, other[keys + i], other[ctx + i], k >= 2 ? other[suf + i] : 0L);
      if (k == n) {
        count[j] += other[cnt + i];
      }
    }
  }

  /** ln P of every highest-order gram, in fixed point, with the model's statistics. */
  public record Probabilities(
      ScoreMap logProbs, long vocabulary, List<CommonnessDetails.Order> orders) {}

  /**
   * Interpolated modified Kneser-Ney P_k for every distinct k-gram, bottom up (the same steps as
   * the distributed path in io.reweigh.dedup.spark.ExactCommonness): adjusted counts, history stats
   * (Σa, N1, N2, N3+) and counts-of-counts → discounts per order, then P_k(S_k) = interpolate(a,
   * stats(C_k), D_k, P_{k−1}(S_{k−1})) with P_0 = 1/|V|.
   */
  public Probabilities probabilities() {
    return probabilities(null);
  }

  /**
   * {@link #probabilities()}, with the per-gram loops split over {@code pool} when one is given:
   * each a_k, P_k and ln P value depends only on tables that are no longer written, so the values
   * (and bits) are the same whatever the split; only the history statistics, which insert into one
   * index, stay on the calling thread.
   */
  public Probabilities probabilities(java.util.concurrent.ExecutorService pool) {
    long[][] adjusted = new long[n][];
    adjusted[n - 1] = count;
    List<Runnable> adjust = new ArrayList<>();
    for (int k = n - 1; k >= 1; k--) {
      int order = k;
      adjust.add(
          () -> {
            long[] a = new long[distinct(order)];
            long[] suf = suffix[order];
            LongIndex lowerIndex = index[order - 1];
            for (int i = 0, m = distinct(order + 1); i < m; i++) {
              a[lowerIndex.get(suf[i])]++;
            }
            adjusted[order - 1] = a;
          });
    }
    runAll(pool, adjust);
    long vocab = distinct(1);
    List<CommonnessDetails.Order> orders = new ArrayList<>();
    double[] lower = null;
    for (int k = 1; k <= n; k++) {
      int m = distinct(k);
      long[] a = adjusted[k - 1];
      long[] coc = new long[6];
      LongIndex hist = new LongIndex(Math.max(16, m / 4));
      long[][] st = new long[4][Math.max(16, m / 4)];
      for (int i = 0; i < m; i++) {
        int before = hist.size();
        int h = hist.add(context[k - 1][i]);
        if (h == before && h == st[0].length) {
          for (int q = 0; q < 4; q++) {
            st[q] = Arrays.copyOf(st[q], LongIndex.grow(h));
          }
        }
        st[0][h] += a[i];
        st[a[i] == 1 ? 1 : (a[i] == 2 ? 2 : 3)][h]++;
        coc[(int) Math.min(a[i], 5)]++;
      }
      Discounts d = Discounts.fromCountsOfCounts(coc[1], coc[2], coc[3], coc[4]);
      double[] pk = new double[m];
      int order = k;
      double[] below = lower;
      forRanges(
          pool,
          m,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              int h = hist.get(context[order - 1][i]);
              double pl =
                  order == 1 ? 1.0 / vocab : below[index[order - 2].get(suffix[order - 1][i])];
              pk[i] =
                  KneserNey.interpolate(
                      a[i],
                      new KneserNey.ContextStats(st[0][h], st[1][h], st[2][h], st[3][h]),
                      d,
                      pl);
            }
          });
      orders.add(new CommonnessDetails.Order(d.d1(), d.d2(), d.d3(), m));
      lower = pk;
    }
    int m = distinct(n);
    long[] lp = new long[m];
    double[] top = lower;
    forRanges(
        pool,
        m,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            lp[i] = DocScore.toFixed(StrictMath.log(top[i]));
          }
        });
    return new Probabilities(ScoreMap.of(index[n - 1].keys(), lp), vocab, orders);
  }

  private interface Range {
    void run(int from, int to);
  }

  /** Runs body over [0, m) in a few contiguous ranges on pool (or here, without one). */
  private static void forRanges(java.util.concurrent.ExecutorService pool, int m, Range body) {
    if (pool == null || m < 1 << 16) {
      body.run(0, m);
      return;
    }
    int parts = 8;
    List<Runnable> tasks = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      int from = (int) ((long) m * p / parts);
      int to = (int) ((long) m * (p + 1) / parts);
      tasks.add(() -> body.run(from, to));
    }
    runAll(pool, tasks);
  }

  private static void runAll(java.util.concurrent.ExecutorService pool, List<Runnable> tasks) {
    if (pool == null) {
      tasks.forEach(Runnable::run);
      return;
    }
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    tasks.forEach(t -> done.add(pool.submit(t)));
    try {
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    }
  }
}
