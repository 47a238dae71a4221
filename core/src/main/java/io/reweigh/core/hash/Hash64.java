package io.reweigh.core.hash;

/**
 * Stable 64-bit hashing used for n-gram keys, document order and ids. The values are part of the
 * output contract (shard order depends on them), so they never depend on the JVM's String.hashCode
 * or on the platform. Strings are hashed over their UTF-16 code units with FNV-1a and finished with
 * the MurmurHash3 fmix64 avalanche step.
 */
public final class Hash64 {
  private Hash64() {}

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** MurmurHash3 fmix64: a bijective avalanche mixer. */
  public static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  /** Hash of chars [start, end) of s. */
  public static long hashChars(CharSequence s, int start, int end) {
    long h = FNV_OFFSET;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      h ^= (c & 0xff);
      h *= FNV_PRIME;
      h ^= (c >>> 8);
      h *= FNV_PRIME;
    }
    return fmix64(h ^ (end - start));
  }

  public static long hash(CharSequence s) {
    return hashChars(s, 0, s.length());
  }

  /** Hash of a lower-cased token without allocating a new String for ASCII-only text. */
  public static long hashCharsLower(CharSequence s, int start, int end) {
    long h = FNV_OFFSET;
    for (int i = start; i < end; i++) {
      char c = Character.toLowerCase(s.charAt(i));
      h ^= (c & 0xff);
      h *= FNV_PRIME;
      h ^= (c >>> 8);
      h *= FNV_PRIME;
    }
    return fmix64(h ^ (end - start));
  }

  /** Order-dependent combination of two hashes (used to chain tokens into n-gram keys). */
  public static long combine(long h, long next) {
    return fmix64(h * 0x9E3779B97F4A7C15L + next + 0x632BE59BD9B4E019L);
  }

  /** Seeded hash of a string: the shard order key of a document. */
  public static long seeded(long seed, String s) {
    return combine(fmix64(seed ^ 0x5851F42D4C957F2DL), hash(s));
  }
}
