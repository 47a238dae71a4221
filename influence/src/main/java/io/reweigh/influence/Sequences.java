package io.reweigh.influence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.reweigh.core.text.Tokenizer;
import java.util.List;

/**
 * Documents as LM token sequences. For the proxy LM: {@code [1, t1 … tn, 1]} (0 is padding, 1 the
 * document boundary) cut to {@code maxTokens + 1} ids, so that the loss covers at most {@code
 * maxTokens} next-token predictions; a token is {@code 2 + id} when the tokenizer has a vocabulary
 * that fits in {@code vocab - 2} (a Hugging Face tokenizer.json: no two tokens share an embedding),
 * else its 64-bit id hashed into {@code vocab - 2} buckets. For a user's model ({@link #raw}): the
 * tokenizer's ids unchanged, cut to {@code maxTokens + 1}.
 */
public final class Sequences {
  public static final int PAD = 0;
  public static final int BOUNDARY = 1;

  private Sequences() {}

  public static int[] encode(Tokenizer tokenizer, String text, int vocab, int maxTokens) {
    long[] ids = tokenizer.tokenIds(text);
    int n = Math.min(ids.length + 2, maxTokens + 1);
    boolean direct = direct(tokenizer, vocab);
    int[] seq = new int[n];
    seq[0] = BOUNDARY;
    for (int i = 1; i < n; i++) {
      seq[i] = i - 1 < ids.length ? token(ids[i - 1], direct, vocab) : BOUNDARY;
    }
    return seq;
  }

  /** The tokenizer's own ids, cut to {@code maxTokens + 1} (inputs of a user's TorchScript LM). */
  public static int[] raw(Tokenizer tokenizer, String text, int maxTokens) {
    long[] ids = tokenizer.tokenIds(text);
    int n = Math.min(ids.length, maxTokens + 1);
    int[] seq = new int[n];
    for (int i = 0; i < n; i++) {
      seq[i] = Math.toIntExact(ids[i]);
    }
    return seq;
  }

  /** True when the tokenizer's ids map one to one onto the proxy vocabulary (no hashing). */
  public static boolean direct(Tokenizer tokenizer, int vocab) {
    int size = tokenizer.vocabularySize();
    return size > 0 && size <= vocab - 2;
  }

  /** The proxy-LM id of a tokenizer id. */
  public static int token(long id, boolean direct, int vocab) {
    return direct ? 2 + (int) id : bucket(id, vocab);
  }

  /** The proxy-LM id of a tokenizer id, mapped as {@link #encode} maps it. */
  public static int token(Tokenizer tokenizer, long id, int vocab) {
    return token(id, direct(tokenizer, vocab), vocab);
  }

  /**
   * A 64-bit id hashed into {@code vocab - 2} buckets (its residue: the Unicode tokenizer's ids are
   * already hashes; vocabulary indices that do not fit share buckets id mod (vocab − 2)).
   */
  public static int bucket(long id, int vocab) {
    return 2 + (int) Math.floorMod(id, (long) (vocab - 2));
  }

  /**
   * A batch of fixed shape [rows, positions]: inputs, targets and a target mask. Shapes never
   * depend on which documents are in the batch (short batches repeat their first sequence, short
   * sequences are padded), so a document's score does not depend on its neighbours.
   */
  public record Batch(NDArray ids, NDArray targets, NDArray mask, int real) {}

  public static Batch batch(NDManager m, List<int[]> seqs, int rows, int positions) {
    if (seqs.isEmpty() || seqs.size() > rows) {
      throw new IllegalArgumentException(seqs.size() + " sequences for a batch of " + rows);
    }
    long[] ids = new long[rows * positions];
    long[] tgt = new long[rows * positions];
    float[] mask = new float[rows * positions];
    for (int r = 0; r < rows; r++) {
      int[] s = seqs.get(r < seqs.size() ? r : 0);
      int n = Math.min(s.length - 1, positions);
      for (int t = 0; t < n; t++) {
        ids[r * positions + t] = s[t];
        tgt[r * positions + t] = s[t + 1];
        mask[r * positions + t] = 1f;
      }
    }
    Shape shape = new Shape(rows, positions);
    return new Batch(
        owned(m.create(ids, shape)),
        owned(m.create(tgt, shape)),
        owned(m.create(mask, shape)),
        seqs.size());
  }

  /**
   * A copy in tensor-owned memory. DJL's PyTorch engine wraps a Java direct buffer without copying
   * (from_blob); views of such an array outlive nothing that keeps the buffer alive.
   */
  static NDArray owned(NDArray a) {
    NDArray c = a.duplicate();
    a.close();
    return c;
  }
}
