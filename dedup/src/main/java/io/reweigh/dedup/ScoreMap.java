package io.reweigh.dedup;

import java.io.Serializable;

/**
 * A read-only map from highest-order n-gram key to ln P in fixed point ({@link DocScore#toFixed}),
 * in one flat array of (key, value) pairs (16 bytes per slot, load ≤ 0.5), so that a lookup touches
 * one cache line: what the in-memory exact path broadcasts to executors to score documents with one
 * probe per position. Key 0 marks an empty slot; a real key 0 is kept beside the array.
 */
public final class ScoreMap implements Serializable {
  private static final long serialVersionUID = 2L;

  private final long[] slots; // [2s] key (0: empty), [2s + 1] value
  private final boolean hasZero;
  private final long zeroValue;
  private final int mask; // of slot numbers
  private final int size;

  private ScoreMap(long[] slots, boolean hasZero, long zeroValue, int size) {
    this.slots = slots;
    this.hasZero = hasZero;
    this.zeroValue = zeroValue;
    this.mask = slots.length / 2 - 1;
    this.size = size;
  }

  /** keys must be distinct. */
  public static ScoreMap of(long[] keys, long[] values) {
    int cap = Integer.highestOneBit(Math.max(16, keys.length * 2 - 1)) << 1;
    if (cap > 1 << 29) {
      throw new IllegalStateException("ScoreMap of " + keys.length + " keys: over 2^28");
    }
    long[] slots = new long[2 * cap];
    int mask = cap - 1;
    boolean hasZero = false;
    long zeroValue = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == 0) {
        hasZero = true;
        zeroValue = values[i];
        continue;
      }
      int s = (int) keys[i] & mask;
      while (slots[2 * s] != 0) {
        s = (s + 1) & mask;
      }
      slots[2 * s] = keys[i];
      slots[2 * s + 1] = values[i];
    }
    return new ScoreMap(slots, hasZero, zeroValue, keys.length);
  }

  public int size() {
    return size;
  }

  /** Heap bytes of the array (what each executor holds). */
  public long bytes() {
    return 8L * slots.length;
  }

  /** Bytes a map of m keys will hold, for planning before it is built. */
  public static long bytesFor(long m) {
    return 16L * (Long.highestOneBit(Math.max(16, m * 2 - 1)) << 1);
  }

  /** The value of key; throws when absent (every scored position was counted). */
  public long get(long key) {
    if (key == 0) {
      if (hasZero) {
        return zeroValue;
      }
    } else {
      int s = (int) key & mask;
      long k;
      while ((k = slots[2 * s]) != 0) {
        if (k == key) {
          return slots[2 * s + 1];
        }
        s = (s + 1) & mask;
      }
    }
    throw new IllegalStateException("n-gram key " + key + " was not counted");
  }

  /** A document's score: the sum of its positions' ln P, in fixed point. */
  public DocScore score(long[] tokens, int n) {
    // every key first, then the lookups back to back (NGrams.gramKeys)
    long[] keys = NGrams.gramKeys(tokens, n);
    long sum = 0;
    for (long key : keys) {
      sum += get(key);
    }
    return new DocScore(sum, keys.length);
  }
}
