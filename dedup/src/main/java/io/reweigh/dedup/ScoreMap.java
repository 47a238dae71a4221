package io.reweigh.dedup;

import java.io.Serializable;

/**
 * A read-only map from highest-order n-gram key to ln P in fixed point ({@link DocScore#toFixed}),
 * in two flat arrays (16 bytes per slot, load ≤ 0.5): what the in-memory exact path broadcasts to
 * executors to score documents with one probe per position.
 */
public final class ScoreMap implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] keys;
  private final long[] values;
  private final boolean[] used;
  private final int mask;
  private final int size;

  private ScoreMap(long[] keys, long[] values, boolean[] used, int size) {
    this.keys = keys;
    this.values = values;
    this.used = used;
    this.mask = keys.length - 1;
    this.size = size;
  }

  /** keys must be distinct. */
  public static ScoreMap of(long[] keys, long[] values) {
    int cap = Integer.highestOneBit(Math.max(16, keys.length * 2 - 1)) << 1;
    long[] k = new long[cap];
    long[] v = new long[cap];
    boolean[] used = new boolean[cap];
    int mask = cap - 1;
    for (int i = 0; i < keys.length; i++) {
      int s = (int) keys[i] & mask;
      while (used[s]) {
        s = (s + 1) & mask;
      }
      used[s] = true;
      k[s] = keys[i];
      v[s] = values[i];
    }
    return new ScoreMap(k, v, used, keys.length);
  }

  public int size() {
    return size;
  }

  /** Heap bytes of the arrays (what each executor holds). */
  public long bytes() {
    return 17L * keys.length;
  }

  /** Bytes a map of m keys will hold, for planning before it is built. */
  public static long bytesFor(long m) {
    return 17L * (Long.highestOneBit(Math.max(16, m * 2 - 1)) << 1);
  }

  /** The value of key; throws when absent (every scored position was counted). */
  public long get(long key) {
    int s = (int) key & mask;
    while (used[s]) {
      if (keys[s] == key) {
        return values[s];
      }
      s = (s + 1) & mask;
    }
    throw new IllegalStateException("n-gram key " + key + " was not counted");
  }

  /** A document's score: the sum of its positions' ln P, in fixed point. */
  public DocScore score(long[] tokens, int n) {
    long[] sum = {0};
    NGrams.forEachGram(tokens, n, key -> sum[0] += get(key));
    return new DocScore(sum[0], NGrams.positions(tokens.length));
  }
}
