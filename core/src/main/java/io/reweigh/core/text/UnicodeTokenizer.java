package io.reweigh.core.text;

import io.reweigh.core.hash.Hash64;
import java.util.Arrays;
import java.util.Locale;

/**
 * The default tokenizer (docs/softdedup.md): a token is a run of letters, digits and combining
 * marks, or a single other non-space character. Scripts written without spaces (Han, Hiragana,
 * Katakana) give one token per character, so that n-grams over them stay meaningful. Case is kept
 * unless {@code lowercase} is set.
 */
public final class UnicodeTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;

  private final boolean lowercase;

  public UnicodeTokenizer(boolean lowercase) {
    this.lowercase = lowercase;
  }

  @Override
  public Description describe() {
    return new Description("unicode", lowercase, null, null, null);
  }

  /** What an ASCII character is: skipped (space, control), part of a word, or a token alone. */
  private static final byte SKIP = 0;

  private static final byte WORD = 1;
  private static final byte ALONE = 2;

  /**
   * The class of each ASCII character, from the same predicates as the code-point path below (so
   * the two cannot disagree): one array load per character instead of four table-lookup calls. On
   * the benchmark corpus of docs/benchmarks.md the tokenizer was half of the ingest write job's
   * samples while the JIT was still warming up ("The tokenizer's ASCII path").
   */
  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII[c] = isSkipped(c) ? SKIP : isWordChar(c) && !isSingleCharScript(c) ? WORD : ALONE;
    }
  }

  @Override
  public void forEachToken(CharSequence text, TokenSink sink) {
    final int n = text.length();
    int i = 0;
    while (i < n) {
      char ch = text.charAt(i);
      byte kind;
      int len = 1;
      if (ch < 128) {
        kind = ASCII[ch];
      } else {
        int cp = Character.codePointAt(text, i);
        len = Character.charCount(cp);
        kind = isSkipped(cp) ? SKIP : isWordChar(cp) && !isSingleCharScript(cp) ? WORD : ALONE;
      }
      int start = i;
      i += len;
      if (kind == SKIP) {
        continue;
      }
      // a word runs on over word characters; punctuation, symbols and characters of scripts
      // without spaces are one token each, with any combining marks that follow them
      i = kind == WORD ? wordEnd(text, i, n) : marksEnd(text, i, n);
      sink.token(text, start, i);
    }
  }

  private static int wordEnd(CharSequence text, int i, int n) {
    while (i < n) {
      char c = text.charAt(i);
      if (c < 128) {
        if (ASCII[c] != WORD) {
          break;
        }
        i++;
      } else {
        int cp = Character.codePointAt(text, i);
        if (!isWordChar(cp) || isSingleCharScript(cp)) {
          break;
        }
        i += Character.charCount(cp);
      }
    }
    return i;
  }

  private static int marksEnd(CharSequence text, int i, int n) {
    // no ASCII character is a combining mark
    while (i < n && text.charAt(i) >= 128) {
      int cp = Character.codePointAt(text, i);
      if (!isMark(cp)) {
        break;
      }
      i += Character.charCount(cp);
    }
    return i;
  }

  private static boolean isSkipped(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp);
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
