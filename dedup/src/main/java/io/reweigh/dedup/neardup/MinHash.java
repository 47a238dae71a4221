package io.reweigh.dedup.neardup;

import io.reweigh.core.hash.Hash64;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * MinHash signatures of a document's token shingles and the banded LSH keys built from them
 * (docs/neardup.md). A shingle is {@code shingle} consecutive token ids (a document shorter than
 * that is one shingle of all its tokens); the signature holds, for each of {@code hashes} seeded
 * 64-bit hash functions, the minimum over the document's shingles. Two documents agree at one
 * position of their signatures with probability equal to the Jaccard similarity of their shingle
 * sets, so the fraction of equal positions estimates it ({@link #estimate}).
 *
 * <p>Banding: the first {@code bands × rows} positions are cut into {@code bands} bands of {@code
 * rows}; two documents are candidates when all rows of at least one band agree, which happens with
 * probability {@code 1 − (1 − J^rows)^bands} ({@link #candidateProbability}), an S-curve in J.
 */
public final class MinHash implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int shingle;
  private final long[] seeds;

  public MinHash(int hashes, int shingle, long seed) {
    if (hashes < 1 || shingle < 1) {
      throw new IllegalArgumentException("hashes and shingle must be positive");
    }
    this.shingle = shingle;
    this.seeds = new long[hashes];
    long s = Hash64.fmix64(seed ^ 0x6A09E667F3BCC909L);
    for (int i = 0; i < hashes; i++) {
      s = Hash64.combine(s, i);
      seeds[i] = s;
    }
  }

  public int hashes() {
    return seeds.length;
  }

  /** The 64-bit hash of the shingle of tokens [start, end). */
  static long shingleHash(long[] tokens, int start, int end) {
    long h = 0x9E3779B97F4A7C15L ^ (end - start);
    for (int i = start; i < end; i++) {
      h = Hash64.combine(h, tokens[i]);
    }
    return h;
  }

  /** Number of shingles of a document of n tokens (0 for an empty one). */
  int shingles(int n) {
    return n == 0 ? 0 : Math.max(1, n - shingle + 1);
  }

  /** The signature; null for a document without tokens. */
  public long[] signature(long[] tokens) {
    int n = tokens.length;
    int count = shingles(n);
    if (count == 0) {
      return null;
    }
    long[] sig = new long[seeds.length];
    java.util.Arrays.fill(sig, Long.MAX_VALUE);
    int width = Math.min(shingle, n);
    for (int i = 0; i < count; i++) {
      long h = shingleHash(tokens, i, i + width);
      for (int j = 0; j < seeds.length; j++) {
        long v = Hash64.fmix64(h ^ seeds[j]);
        if (v < sig[j]) {
          sig[j] = v;
        }
      }
    }
    return sig;
  }

  /** The fraction of positions where two signatures agree: an estimate of their Jaccard. */
  public static double estimate(long[] a, long[] b) {
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b[i]) {
        same++;
      }
    }
    return (double) same / a.length;
  }

  /** One 64-bit key per band: the band's index and its rows' values hashed together. */
  public static long[] bandKeys(long[] sig, int bands, int rows) {
    if ((long) bands * rows > sig.length) {
      throw new IllegalArgumentException(bands + " bands × " + rows + " rows > " + sig.length);
    }
    long[] keys = new long[bands];
    for (int b = 0; b < bands; b++) {
      long h = Hash64.fmix64(0xB5AD4ECEDA1CE2A9L + b);
      for (int r = 0; r < rows; r++) {
        h = Hash64.combine(h, sig[b * rows + r]);
      }
      keys[b] = h;
    }
    return keys;
  }

  /** Probability that two documents of Jaccard j share at least one band key. */
  public static double candidateProbability(double j, int bands, int rows) {
    return 1 - Math.pow(1 - Math.pow(j, rows), bands);
  }

  /** The Jaccard at which the S-curve is steepest, ≈ (1/bands)^(1/rows). */
  public static double threshold(int bands, int rows) {
    return Math.pow(1.0 / bands, 1.0 / rows);
  }

  /** The exact Jaccard similarity of two documents' shingle sets (tests and checks). */
  public double exactJaccard(long[] a, long[] b) {
    Set<Long> sa = shingleSet(a);
    Set<Long> sb = shingleSet(b);
    if (sa.isEmpty() && sb.isEmpty()) {
      return 1;
    }
    int inter = 0;
    for (Long h : sa) {
      if (sb.contains(h)) {
        inter++;
      }
    }
    return (double) inter / (sa.size() + sb.size() - inter);
  }

  Set<Long> shingleSet(long[] tokens) {
    Set<Long> s = new HashSet<>();
    int width = Math.min(shingle, tokens.length);
    for (int i = 0; i < shingles(tokens.length); i++) {
      s.add(shingleHash(tokens, i, i + width));
    }
    return s;
  }
}
