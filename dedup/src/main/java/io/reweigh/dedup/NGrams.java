package io.reweigh.dedup;

import io.reweigh.core.hash.Hash64;

/**
 * n-gram keys of a document (docs/softdedup.md). The token sequence is padded with n−1 {@code <s>}
 * and one {@code </s>}; every real token and {@code </s>} is a predicted position, so a document of
 * L tokens has T = L + 1 positions. At each position j and for every order k = 1..n it yields
 *
 * <ul>
 *   <li>{@code s[k-1]} = key of the k-gram w[j-k+1..j] (the gram ending at j), and
 *   <li>{@code c[k-1]} = key of its context w[j-k+1..j-1] (the k−1 tokens before j).
 * </ul>
 *
 * Keys are 64-bit hashes built right to left, so the context of order k at j equals the key of the
 * (k−1)-gram ending at j−1. With 2^64 keys the expected number of colliding pairs among m distinct
 * n-grams is m²/2^65: about 0.03 for a billion, 3 for ten billion (docs/softdedup.md).
 */
public final class NGrams {
  private NGrams() {}

  /**
   * Sentence boundary tokens and the empty context: fixed values outside the token hash range use.
   */
  public static final long BOS = Hash64.fmix64(0x3C733E0000000001L);

  public static final long EOS = Hash64.fmix64(0x3C2F733E00000002L);
  public static final long EMPTY = Hash64.fmix64(0x454D505459000003L);

  /** Receives the keys of one position; the arrays are reused between calls. */
  @FunctionalInterface
  public interface PositionSink {
    void position(int j, long[] s, long[] c);
  }

  /** Number of predicted positions of a document with the given number of tokens. */
  public static int positions(int tokens) {
    return tokens + 1;
  }

  public static void forEachPosition(long[] tokens, int n, PositionSink sink) {
    int pad = n - 1;
    int len = pad + tokens.length + 1;
    long[] s = new long[n];
    long[] c = new long[n];
    long[] prev = new long[n];
    for (int j = pad; j < len; j++) {
      long w = tokenAt(tokens, pad, j);
      s[0] = Hash64.combine(EMPTY, w);
      c[0] = EMPTY;
      for (int k = 2; k <= n; k++) {
        long before = tokenAt(tokens, pad, j - k + 1);
        // the history of order k at j is the (k−1)-gram ending at j−1: reuse its key
        c[k - 1] = j > pad ? prev[k - 2] : Hash64.combine(c[k - 2], before);
        s[k - 1] = Hash64.combine(s[k - 2], before);
      }
      sink.position(j - pad, s, c);
      System.arraycopy(s, 0, prev, 0, n);
    }
  }

  /**
   * The key of the order-n gram of each position, in order (what {@link #forEachPosition} yields as
   * {@code s[n-1]}). Scoring computes them all before it looks any up, so that the lookups, one
   * cache miss each in a map of hundreds of MB, follow each other with nothing in between and the
   * CPU overlaps their misses: 1.9–2.6× faster scoring than hashing and looking up position by
   * position (docs/benchmarks.md, "Lookups in a batch").
   */
  public static long[] gramKeys(long[] tokens, int n) {
    int pad = n - 1;
    int len = pad + tokens.length + 1;
    long[] keys = new long[len - pad];
    for (int j = pad; j < len; j++) {
      long s = Hash64.combine(EMPTY, tokenAt(tokens, pad, j));
      for (int k = 2; k <= n; k++) {
        s = Hash64.combine(s, tokenAt(tokens, pad, j - k + 1));
      }
      keys[j - pad] = s;
    }
    return keys;
  }

  private static long tokenAt(long[] tokens, int pad, int j) {
    if (j < pad) {
      return BOS;
    }
    if (j - pad < tokens.length) {
      return tokens[j - pad];
    }
    return EOS;
  }
}
