package io.reweigh.sampler;

import io.reweigh.core.hash.Hash64;

/**
 * Seeded systematic sampling in fixed point (docs/trainers.md, resample mode). Document i, in the
 * seeded document order, has expected copies e_i = w_i · r, held as q_i = round(e_i · 2^24). With
 * the exclusive prefix P_i = Σ_{j<i} q_j and one seeded offset U in [0, 2^24), it gets
 *
 * <pre>copies_i = ⌊(P_i + q_i + U) / 2^24⌋ − ⌊(P_i + U) / 2^24⌋</pre>
 *
 * which is ⌊e_i⌋ or ⌊e_i⌋ + 1 (up to the 2^-24 rounding of e_i), and Σ copies is ⌊Σ e⌋ or ⌈Σ e⌉.
 * Integer prefix sums are exact and associative, so the copies do not depend on how the rows are
 * partitioned. 24 fraction bits leave room for 2^39 copies in a signed long.
 */
public final class Systematic {
  private Systematic() {}

  public static final int FRACTION_BITS = 24;
  public static final long ONE = 1L << FRACTION_BITS;

  /** Largest expected copies of one document that fixed point can hold. */
  public static final double MAX_EXPECTED = (double) (1L << 38);

  /** q = round(e · 2^24) for expected copies e ≥ 0. */
  public static long quantise(double expectedCopies) {
    if (!(expectedCopies >= 0) || expectedCopies > MAX_EXPECTED) {
      throw new IllegalArgumentException("expected copies " + expectedCopies + " out of range");
    }
    return Math.round(expectedCopies * ONE);
  }

  /** The seeded offset U in [0, 2^24) of one shard set. */
  public static long offset(long seed, String shardSet) {
    return Hash64.seeded(seed, "systematic/" + shardSet) & (ONE - 1);
  }

  /** Copies of a document with quantised expectation q whose exclusive prefix is prefixBefore. */
  public static int copies(long prefixBefore, long q, long offset) {
    long c =
        Math.floorDiv(prefixBefore + q + offset, ONE) - Math.floorDiv(prefixBefore + offset, ONE);
    return Math.toIntExact(c);
  }

  /**
   * Where copy k (0-based) of a document with c copies goes in the resampled stream, as a fraction
   * in [0, 1): (k + u) / c with the document's seeded u in [0, 1). The copies of one document sit
   * evenly spaced through the stream, about (stream rows / c) apart, so with S shards of similar
   * size they usually fall into different shards when c is well below S; the sampler counts the
   * exceptions (docs/trainers.md, "Spread").
   */
  public static double spread(int k, int c, double u) {
    return (k + u) / c;
  }

  /** The seeded u in [0, 1) of a document. */
  public static double phase(long seed, String id) {
    return (Hash64.seeded(seed ^ 0x5eed5eed5eedL, id) >>> 11) * 0x1.0p-53;
  }
}
