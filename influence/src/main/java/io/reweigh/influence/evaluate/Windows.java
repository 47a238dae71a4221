package io.reweigh.influence.evaluate;

import java.util.Arrays;

/**
 * How a document's evaluation ids ({@code [boundary, t1 … tn]}, {@link Evaluation#encode}) are cut
 * for training draws and for held-out scoring (docs/evaluation.md). Spark computes the counts from
 * a document's {@code n_tokens} alone, so it can draw and sample before any text is tokenized.
 */
public final class Windows {
  private Windows() {}

  /** Training chunks of a document of {@code nTokens}: pieces of {@code context} ids. */
  public static int chunkCount(long nTokens, int context) {
    return (int) ((nTokens + context) / context); // ceil((n + 1) / context)
  }

  /** Training chunk {@code j}: ids {@code [j·context, min((j+1)·context, n+1))}. */
  public static int[] chunk(int[] seq, int j, int context) {
    int from = j * context;
    return Arrays.copyOfRange(seq, from, Math.min(seq.length, from + context));
  }

  /** Held-out windows of a document of {@code nTokens}: every target predicted once. */
  public static int windowCount(long nTokens, int context) {
    return (int) ((nTokens + context - 1) / context); // ceil(n / context)
  }

  /** Next-token predictions held-out window {@code j} holds. */
  public static int windowTargets(long nTokens, int j, int context) {
    return (int) Math.min(context, nTokens - (long) j * context);
  }

  /**
   * Held-out window {@code j}: ids {@code [j·context, min(j·context + context + 1, n+1))}, so it
   * predicts tokens {@code j·context+1 …} from the ones before them within the document.
   */
  public static int[] window(int[] seq, int j, int context) {
    int from = j * context;
    return Arrays.copyOfRange(seq, from, Math.min(seq.length, from + context + 1));
  }
}
