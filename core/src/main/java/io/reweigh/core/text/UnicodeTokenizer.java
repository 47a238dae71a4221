package io.reweigh.core.text;

import io.reweigh.core.hash.Hash64;
import java.util.Arrays;
import java.util.Locale;

/**
 * The default tokenizer (DESIGN.md §4.1): a token is a run of letters, digits and combining marks,
 * or a single other non-space character. Scripts written without spaces (Han, Hiragana, Katakana)
 * give one token per character, so that n-grams over them stay meaningful. Case is kept unless
 * {@code lowercase} is set.
 */
public final class UnicodeTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;

  private final boolean lowercase;

  public UnicodeTokenizer(boolean lowercase) {
    this.lowercase = lowercase;
  }

  public boolean lowercase() {
    return lowercase;
  }

  @Override
  public java.util.Map<String, Object> describe() {
    return java.util.Map.of("kind", "unicode", "lowercase", lowercase);
  }

  @Override
  public void forEachToken(CharSequence text, TokenSink sink) {
    final int n = text.length();
    int i = 0;
    while (i < n) {
      int cp = Character.codePointAt(text, i);
      int len = Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)) {
        i += len;
        continue;
      }
      if (isWordChar(cp) && !isSingleCharScript(cp)) {
        int start = i;
        i += len;
        while (i < n) {
          int c2 = Character.codePointAt(text, i);
          if (!isWordChar(c2) || isSingleCharScript(c2)) {
            break;
          }
          i += Character.charCount(c2);
        }
        sink.token(text, start, i);
      } else {
        // punctuation, symbols, and characters of scripts without spaces: one token each,
        // including any combining marks that follow them
        int start = i;
        i += len;
        while (i < n && isMark(Character.codePointAt(text, i))) {
          i += Character.charCount(Character.codePointAt(text, i));
        }
        sink.token(text, start, i);
      }
    }
  }

  @Override
  public long[] tokenIds(CharSequence text) {
    long[][] buf = {new long[Math.max(8, text.length() / 5)]};
    int[] n = {0};
    forEachToken(
        text,
        (t, s, e) -> {
          if (n[0] == buf[0].length) {
            buf[0] = Arrays.copyOf(buf[0], buf[0].length * 2);
          }
          buf[0][n[0]++] = lowercase ? Hash64.hashCharsLower(t, s, e) : Hash64.hashChars(t, s, e);
        });
    return n[0] == buf[0].length ? buf[0] : Arrays.copyOf(buf[0], n[0]);
  }

  @Override
  public java.util.List<String> tokenize(CharSequence text) {
    java.util.List<String> out = Tokenizer.super.tokenize(text);
    if (lowercase) {
      out.replaceAll(s -> s.toLowerCase(Locale.ROOT));
    }
    return out;
  }

  private static boolean isMark(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  private static boolean isWordChar(int cp) {
    if (cp < 0x80) {
      return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }
    return Character.isLetterOrDigit(cp) || isMark(cp);
  }

  /** The first code point of Han, Hiragana or Katakana (U+2E80, CJK Radicals Supplement). */
  private static final int FIRST_SINGLE_CHAR_SCRIPT = 0x2E80;

  private static boolean isSingleCharScript(int cp) {
    if (cp < FIRST_SINGLE_CHAR_SCRIPT) {
      return false; // UnicodeScript.of is a binary search: 10% of commonness time on Latin text
    }
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    return script == Character.UnicodeScript.HAN
        || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA;
  }

  @Override
  public String toString() {
    return "UnicodeTokenizer(lowercase=" + lowercase + ")";
  }
}
