package io.reweigh.dedup;

import java.util.Arrays;

/**
 * Assigns dense indices 0, 1, 2, … to 64-bit keys in insertion order (open addressing, linear
 * probing). Values live in the caller's arrays at the returned index, so a table of m keys costs
 * 8·m bytes of keys plus ~24 bytes per slot of hash table, with no boxing (a HashMap&lt;Long,
 * Long&gt; costs ~80 bytes per entry and a pointer chase per lookup).
 *
 * <p>Keys are n-gram hashes from {@link NGrams}, already avalanche-mixed, so their low bits pick
 * the slot. Any long is a valid key, 0 included. Not thread-safe.
 */
public final class LongIndex {
  private static final int EMPTY = -1;
  private static final double MAX_LOAD = 0.6;

  private long[] slotKeys;
  private int[] slotIndex;
  private long[] keys;
  private int size;
  private int mask;

  public LongIndex(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, expected / MAX_LOAD)));
    cap = cap < expected / MAX_LOAD ? cap << 1 : cap;
    slotKeys = new long[cap];
    slotIndex = new int[cap];
    Arrays.fill(slotIndex, EMPTY);
    keys = new long[Math.max(16, expected)];
    mask = cap - 1;
  }

  public int size() {
    return size;
  }

  /** The key with dense index i. */
  public long key(int i) {
    return keys[i];
  }

  /** The keys in insertion order (a copy of the first {@link #size()}). */
  public long[] keys() {
    return Arrays.copyOf(keys, size);
  }

  /** Index of key, or -1 when absent. */
  public int get(long key) {
    int s = (int) key & mask;
    while (true) {
      int i = slotIndex[s];
      if (i == EMPTY) {
        return -1;
      }
      if (slotKeys[s] == key) {
        return i;
      }
      s = (s + 1) & mask;
    }
  }

  /**
   * Index of key, adding it with index {@link #size()} (before the call) when absent; compare the
   * result with the size before the call to know whether it was added.
   */
  public int add(long key) {
    int s = (int) key & mask;
    while (true) {
      int i = slotIndex[s];
      if (i == EMPTY) {
        break;
      }
      if (slotKeys[s] == key) {
        return i;
      }
      s = (s + 1) & mask;
    }
    int i = size++;
    if (i == keys.length) {
      keys = Arrays.copyOf(keys, grow(keys.length));
    }
    keys[i] = key;
    slotKeys[s] = key;
    slotIndex[s] = i;
    if (size > MAX_LOAD * slotKeys.length) {
      rehash();
    }
    return i;
  }

  /** Approximate heap bytes held. */
  public long bytes() {
    return 12L * slotKeys.length + 8L * keys.length;
  }

  /** Forgets every key and keeps the arrays, for a table that fills again to the same size. */
  public void clear() {
    Arrays.fill(slotIndex, EMPTY);
    size = 0;
  }

  private void rehash() {
    int cap = slotKeys.length << 1;
    if (cap <= 0) {
      throw new IllegalStateException("LongIndex full: " + size + " keys");
    }
    slotKeys = new long[cap];
    slotIndex = new int[cap];
    Arrays.fill(slotIndex, EMPTY);
    mask = cap - 1;
    for (int i = 0; i < size; i++) {
      int s = (int) keys[i] & mask;
      while (slotIndex[s] != EMPTY) {
        s = (s + 1) & mask;
      }
      slotKeys[s] = keys[i];
      slotIndex[s] = i;
    }
  }

  /** Next capacity of a dense value array that holds {@code length} values now. */
  public static int grow(int length) {
    long next = Math.max(16L, length + (length >> 1) + 1L);
    if (next > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("table over 2^31 entries");
    }
    return (int) next;
  }
}
