package io.reweigh.core.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import io.reweigh.core.config.Keys;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.io.KeyFiles;
import io.reweigh.core.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Hugging Face {@code tokenizer.json} (the file a trainer's tokenizer is saved as), run by DJL's
 * bindings of the Rust {@code tokenizers} library. Token ids are the tokenizer's own vocabulary ids
 * (no special tokens added, no truncation or padding); token spans are the char ranges the library
 * reports.
 *
 * <p>The object carries the file's bytes, so an executor needs no access to where the file lives;
 * the native tokenizer is built once per JVM per file content (sha256) and shared by every task
 * thread (the Rust tokenizer is immutable and thread-safe).
 */
public final class HuggingFaceTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;
  private static final String WHAT = "Hugging Face tokenizer.json";
  private static final Map<String, ai.djl.huggingface.tokenizers.HuggingFaceTokenizer> LOADED =
      new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private final String path;
  private final String sha256;
  private final byte[] json;
  private final int vocabularySize;

  private transient ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;

  private HuggingFaceTokenizer(String path, String sha256, byte[] json, int vocabularySize) {
    this.path = path;
    this.sha256 = sha256;
    this.json = json;
    this.vocabularySize = vocabularySize;
  }

  /** Reads and checks the tokenizer.json at {@code path}: exit 2 if missing, 3 if not usable. */
  public static HuggingFaceTokenizer load(String path) {
    KeyFiles.Content c = KeyFiles.read(Keys.TOKENIZER_PATH.key(), path, WHAT);
    return fromBytes(path, c.bytes(), c.sha256());
  }

  static HuggingFaceTokenizer fromBytes(String path, byte[] bytes, String sha256) {
    int vocab = vocabularySize(path, bytes);
    HuggingFaceTokenizer t = new HuggingFaceTokenizer(path, sha256, bytes, vocab);
    try {
      t.native_();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw PipelineErrors.keyFileInvalid(
          Keys.TOKENIZER_PATH.key(),
          path,
          WHAT,
          "the tokenizers library refused it: " + e.getMessage(),
          "Save the tokenizer with transformers' tokenizer.save_pretrained(dir) or"
              + " tokenizers' Tokenizer.save(path) and point tokenizer.path at dir/tokenizer.json.",
          e);
    }
    return t;
  }

  /**
   * Size of the id space: one more than the largest id of the model's vocabulary and of the added
   * tokens (BPE and WordPiece list the vocabulary as token → id, Unigram as a list).
   */
  static int vocabularySize(String path, byte[] bytes) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw PipelineErrors.keyFileInvalid(
          Keys.TOKENIZER_PATH.key(),
          path,
          WHAT,
          "it is not JSON: " + e.getMessage(),
          "Point tokenizer.path at the tokenizer.json that save_pretrained wrote.",
          e);
    }
    JsonNode vocab = root == null ? null : root.path("model").get("vocab");
    if (vocab == null || !(vocab.isObject() || vocab.isArray())) {
      throw PipelineErrors.keyFileInvalid(
          Keys.TOKENIZER_PATH.key(),
          path,
          WHAT,
          "it has no model.vocab (a tokenizer.json holds {\"model\": {\"type\": …, \"vocab\": …}}).",
          "Point tokenizer.path at the tokenizer.json that save_pretrained wrote (not"
              + " tokenizer_config.json or vocab.json).",
          null);
    }
    long max = vocab.isArray() ? vocab.size() - 1 : -1;
    if (vocab.isObject()) {
      for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
        max = Math.max(max, it.next().asLong());
      }
    }
    for (JsonNode added : root.path("added_tokens")) {
      max = Math.max(max, added.path("id").asLong());
    }
    return (int) Math.min(Integer.MAX_VALUE, max + 1);
  }

  private ai.djl.huggingface.tokenizers.HuggingFaceTokenizer native_() {
    ai.djl.huggingface.tokenizers.HuggingFaceTokenizer t = tokenizer;
    if (t == null) {
      t =
          LOADED.computeIfAbsent(
              sha256,
              k -> {
                offline();
                try {
                  LOADS.incrementAndGet();
                  return ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
                      new ByteArrayInputStream(json),
                      Map.of(
                          "addSpecialTokens", "false",
                          "truncation", "false",
                          "padding", "false"));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      tokenizer = t;
    }
    return t;
  }

  /** DJL must neither download nor call home (docs/byo-model.md). */
  private static void offline() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
  }

  /** Native tokenizers built by this JVM so far (one per distinct file). */
  public static int loads() {
    return LOADS.get();
  }

  public String path() {
    return path;
  }

  public String sha256() {
    return sha256;
  }

  private Encoding encode(CharSequence text) {
    return native_().encode(text.toString(), false, false);
  }

  @Override
  public void forEachToken(CharSequence text, TokenSink sink) {
    if (text.length() == 0) {
      return;
    }
    for (CharSpan s : encode(text).getCharTokenSpans()) {
      if (s == null) {
        sink.token(text, 0, 0);
      } else {
        sink.token(text, s.getStart(), s.getEnd());
      }
    }
  }

  /**
   * Ids only, through the library's JNI entry points: DJL's {@code encode} also copies every
   * token's string, type id, word id, masks and char span into Java objects.
   */
  @Override
  public long[] tokenIds(CharSequence text) {
    if (text.length() == 0) {
      return new long[0];
    }
    long encoding = TokenizersLibrary.LIB.encode(native_().getHandle(), text.toString(), false);
    try {
      return TokenizersLibrary.LIB.getTokenIds(encoding);
    } finally {
      TokenizersLibrary.LIB.deleteEncoding(encoding);
    }
  }

  @Override
  public int count(CharSequence text) {
    return tokenIds(text).length;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public Description describe() {
    return new Description("huggingface", null, path, sha256, vocabularySize);
  }

  @Override
  public String toString() {
    return "huggingface(" + path + ", sha256 " + sha256.substring(0, 12) + ")";
  }
}
