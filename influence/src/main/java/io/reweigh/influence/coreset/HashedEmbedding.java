package io.reweigh.influence.coreset;

import io.reweigh.core.hash.Hash64;
import java.util.Arrays;

/**
 * The cheap embedding of the coreset signal: hashed n-gram TF-IDF. Every 1..{@code order}-gram of
 * the document's token ids is hashed into one of {@code dim} buckets; a bucket's weight is its
 * count × idf (idf from the corpus' document frequencies, {@link #idf}); the vector is
 * L2-normalised, so squared distances between documents lie in [0, 4].
 */
public final class HashedEmbedding {
  private HashedEmbedding() {}

  /** Sorted distinct buckets of a document and their counts: {@code [buckets, counts]}. */
  public static int[][] counts(long[] tokenIds, int dim, int order) {
    int grams = 0;
    for (int k = 1; k <= order; k++) {
      grams += Math.max(0, tokenIds.length - k + 1);
    }
    int[] b = new int[grams];
    int g = 0;
    for (int i = 0; i < tokenIds.length; i++) {
      long h = 0x9E3779B97F4A7C15L;
      for (int k = 1; k <= order && i + k <= tokenIds.length; k++) {
        h = Hash64.combine(h, tokenIds[i + k - 1]);
        b[g++] = (int) Math.floorMod(Hash64.fmix64(h), (long) dim);
      }
    }
    Arrays.sort(b);
    int distinct = 0;
    for (int i = 0; i < b.length; i++) {
      if (i == 0 || b[i] != b[i - 1]) {
        distinct++;
      }
    }
    int[] idx = new int[distinct];
    int[] cnt = new int[distinct];
    int d = -1;
    for (int i = 0; i < b.length; i++) {
      if (i == 0 || b[i] != b[i - 1]) {
        idx[++d] = b[i];
      }
      cnt[d]++;
    }
    return new int[][] {idx, cnt};
  }

  /** Smoothed idf per bucket: ln((1 + n) / (1 + df)) + 1. */
  public static double[] idf(long[] documentFrequency, long n) {
    double[] out = new double[documentFrequency.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.log((1.0 + n) / (1.0 + documentFrequency[i])) + 1.0;
    }
    return out;
  }

  /**
   * TF-IDF values for the buckets of {@link #counts}, L2-normalised (all zero for an empty
   * document), rounded to float precision so that they are exact across JVMs and partitions.
   */
  public static double[] values(int[][] counts, double[] idf) {
    int[] idx = counts[0];
    int[] cnt = counts[1];
    double[] v = new double[idx.length];
    double norm = 0;
    for (int i = 0; i < idx.length; i++) {
      v[i] = cnt[i] * idf[idx[i]];
      norm += v[i] * v[i];
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / norm);
    }
    return v;
  }
}
