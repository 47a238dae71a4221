package io.reweigh.core.text;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;

/** Builds the tokenizer the configuration asks for (tokenizer.* keys). */
public final class Tokenizers {
  private Tokenizers() {}

  public static Tokenizer fromConfig(ResolvedConfig cfg) {
    String kind = cfg.get(Keys.TOKENIZER_KIND);
    if (kind.equals("unicode")) {
      return new UnicodeTokenizer(cfg.get(Keys.TOKENIZER_LOWERCASE));
    }
    throw new IllegalArgumentException("unknown tokenizer.kind " + kind);
  }
}
