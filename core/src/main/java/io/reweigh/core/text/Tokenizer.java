package io.reweigh.core.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into tokens. Implementations are immutable and thread-safe, so one instance can be
 * shared by every task thread of an executor.
 */
public interface Tokenizer extends Serializable {

  /** Receives the tokens of a text as char ranges; no String is allocated per token. */
  @FunctionalInterface
  interface TokenSink {
    void token(CharSequence text, int start, int end);
  }

  /** Visits every token of text in order. */
  void forEachToken(CharSequence text, TokenSink sink);

  /** 64-bit ids of the tokens, in order (the n-gram machinery works on these). */
  long[] tokenIds(CharSequence text);

  /**
   * Size of the id space of {@link #tokenIds} when ids are vocabulary indices 0..size−1 (a Hugging
   * Face tokenizer), or 0 when they are 64-bit hashes of the token text (the Unicode tokenizer).
   */
  default int vocabularySize() {
    return 0;
  }

  /** What the manifest records about this tokenizer (kind and its settings or file). */
  default Description describe() {
    return new Description(getClass().getSimpleName(), null, null, null, null);
  }

  /**
   * The manifest's {@code stages.ingest.tokenizer}: the kind, and the settings of that kind (the
   * others null, left out). Names sorted, as the map it replaced was written.
   */
  @com.fasterxml.jackson.annotation.JsonPropertyOrder(alphabetic = true)
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  record Description(
      String kind, Boolean lowercase, String path, String sha256, Integer vocabularySize) {}

  /** Number of tokens in text. */
  default int count(CharSequence text) {
    int[] n = {0};
    forEachToken(text, (t, s, e) -> n[0]++);
    return n[0];
  }

  /** The tokens as strings (tests, debugging, reports). */
  default List<String> tokenize(CharSequence text) {
    List<String> out = new ArrayList<>();
    forEachToken(text, (t, s, e) -> out.add(t.subSequence(s, e).toString()));
    return out;
  }
}
