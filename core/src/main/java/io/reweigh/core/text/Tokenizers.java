package io.reweigh.core.text;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;

/** Builds the tokenizer the configuration asks for (tokenizer.* keys). */
public final class Tokenizers {
  private Tokenizers() {}

  /**
   * The configured tokenizer. A Hugging Face tokenizer.json is read here (on the driver) and its
   * sha256 noted in {@code cfg}, so the fingerprint of every stage that tokenizes covers the file's
   * content, not only its path.
   */
  public static Tokenizer fromConfig(ResolvedConfig cfg) {
    String kind = cfg.get(Keys.TOKENIZER_KIND);
    if (kind.equals("unicode")) {
      return new UnicodeTokenizer(cfg.get(Keys.TOKENIZER_LOWERCASE));
    }
    if (kind.equals("huggingface")) {
      String path = cfg.get(Keys.TOKENIZER_PATH);
      if (path == null) {
        throw PipelineErrors.invalidValue(
            Keys.TOKENIZER_PATH.key(),
            null,
            "tokenizer.kind=huggingface",
            "the path of a Hugging Face tokenizer.json");
      }
      if (cfg.get(Keys.TOKENIZER_LOWERCASE)) {
        throw PipelineErrors.usage(
            "tokenizer.lowercase=true applies to tokenizer.kind=unicode only.",
            "Remove tokenizer.lowercase: a tokenizer.json carries its own normalizer (lowercasing"
                + " included, if its model was trained so).");
      }
      HuggingFaceTokenizer t = HuggingFaceTokenizer.load(path);
      cfg.noteContent(Keys.TOKENIZER_PATH.key(), t.sha256());
      return t;
    }
    throw new IllegalArgumentException("unknown tokenizer.kind " + kind);
  }
}
