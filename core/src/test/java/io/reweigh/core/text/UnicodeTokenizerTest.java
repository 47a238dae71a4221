package io.reweigh.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnicodeTokenizerTest {
  private final UnicodeTokenizer keepCase = new UnicodeTokenizer(false);
  private final UnicodeTokenizer lower = new UnicodeTokenizer(true);

  @Test
  void splitsWordsAndPunctuation() {
    assertEquals(
        List.of("Hello", ",", "world", "!", "It", "'", "s", "3", ".", "14", "%"),
        keepCase.tokenize("Hello, world! It's 3.14%"));
  }

  /** The ASCII and below-U+2E80 fast paths classify every code point as the Unicode tables do. */
  @Test
  void fastPathsAgreeWithTheUnicodeTablesForEveryCodePoint() {
    for (int cp = 0; cp <= 0x10FFFF; cp += cp < 0x30000 ? 1 : 97) {
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)) {
        continue;
      }
      String c = new String(Character.toChars(cp));
      Character.UnicodeScript script = Character.UnicodeScript.of(cp);
      boolean single =
          script == Character.UnicodeScript.HAN
              || script == Character.UnicodeScript.HIRAGANA
              || script == Character.UnicodeScript.KATAKANA;
      int type = Character.getType(cp);
      boolean mark =
          type == Character.NON_SPACING_MARK
              || type == Character.COMBINING_SPACING_MARK
              || type == Character.ENCLOSING_MARK;
      boolean word = (Character.isLetterOrDigit(cp) || mark) && !single;
      // a word character joins the letters around it; any other is a token of its own
      List<String> want = word ? List.of("x" + c + "y") : List.of("x", c, "y");
      assertEquals(want, keepCase.tokenize("x" + c + "y"), "U+" + Integer.toHexString(cp));
    }
  }

  @Test
  void whitespaceOnlyAndEmptyGiveNoTokens() {
    assertEquals(List.of(), keepCase.tokenize(""));
    assertEquals(List.of(), keepCase.tokenize(" \t\n\u00a0\u2003 "));
    assertEquals(0, keepCase.count("   "));
  }

  @Test
  void keepsCombiningMarksInsideWords() {
    // Devanagari: vowel signs are combining marks and belong to the word
    assertEquals(List.of("नमस्ते", "दुनिया"), keepCase.tokenize("नमस्ते दुनिया"));
    // decomposed é (e + U+0301) stays one token
    assertEquals(List.of("cafe\u0301", "ok"), keepCase.tokenize("cafe\u0301 ok"));
  }

  @Test
  void cjkIsOneTokenPerCharacterAndOtherScriptsAreRuns() {
    assertEquals(List.of("数", "据", "清", "洗", "。"), keepCase.tokenize("数据清洗。"));
    assertEquals(List.of("Привет", ",", "мир"), keepCase.tokenize("Привет, мир"));
    assertEquals(List.of("مرحبا", "بالعالم"), keepCase.tokenize("مرحبا بالعالم"));
  }

  @Test
  void surrogatePairsAreWholeTokens() {
    assertEquals(List.of("a", "😀", "b"), keepCase.tokenize("a😀b"));
  }

  @Test
  void lowercaseOptionChangesTokensAndIds() {
    assertEquals(List.of("hello", "world"), lower.tokenize("Hello WORLD"));
    assertArrayEquals(lower.tokenIds("hello world"), lower.tokenIds("HELLO World"));
    assertNotEquals(keepCase.tokenIds("Hello")[0], keepCase.tokenIds("hello")[0]);
  }

  @Test
  void idsAreStableAndMatchCount() {
    String text = "The quick brown fox , the lazy dog .";
    long[] ids = keepCase.tokenIds(text);
    assertEquals(keepCase.count(text), ids.length);
    assertEquals(ids[0] == ids[4], false); // "The" vs "the" differ when case is kept
    // pinned value: ids are part of the output contract (shard order, n-gram keys)
    assertEquals(keepCase.tokenIds("fox")[0], keepCase.tokenIds("a fox")[1]);
  }

  @Test
  void longInputGrowsTheBuffer() {
    String text = "a ".repeat(10_000);
    assertEquals(10_000, keepCase.tokenIds(text).length);
  }

  /**
   * The ASCII table path splits exactly as the code-point-by-code-point definition (the tokenizer
   * before that path, kept here as the reference), on random text that mixes ASCII, Latin-1,
   * combining marks, Han and kana, emoji (surrogate pairs), lone surrogates, Unicode spaces and
   * controls.
   */
  @Test
  void asciiTablePathSplitsAsTheCodePointDefinition() {
    int[] pool = {
      'a', 'Z', '0', '9', ' ', '\t', '\n', '\r', 0x0B, 0x1F, 0x7F, 0x00, '.', ',', '-', '_', '\'',
      '"', '$', '~', 0xA0, 0xE9, 0xDF, 0x300, 0x301, 0x20DD, 0x903, 0x928, 0x94D, 0x2003, 0x2028,
      0x3000, 0x4E2D, 0x3042, 0x30AB, 0x1F600, 0xD800, 0xDFFF, 0x85, 0x2E80, 0xFF10, 0x1D7CE
    };
    java.util.Random rnd = new java.util.Random(7);
    for (int t = 0; t < 20_000; t++) {
      StringBuilder b = new StringBuilder();
      int len = rnd.nextInt(40);
      for (int j = 0; j < len; j++) {
        int cp = rnd.nextInt(4) == 0 ? pool[rnd.nextInt(pool.length)] : 'a' + rnd.nextInt(26);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
          b.append((char) cp);
        } else {
          b.appendCodePoint(cp);
        }
      }
      String text = b.toString();
      assertEquals(reference(text), keepCase.tokenize(text), text);
      assertEquals(reference(text).size(), keepCase.count(text), text);
    }
  }

  /** The tokenizer as it was defined before the ASCII table: one code point at a time. */
  private static List<String> reference(String text) {
    List<String> out = new java.util.ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      int cp = text.codePointAt(i);
      int len = Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)) {
        i += len;
        continue;
      }
      int start = i;
      i += len;
      if (refWord(cp)) {
        while (i < n && refWord(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
      } else {
        while (i < n && refMark(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
      }
      out.add(text.substring(start, i));
    }
    return out;
  }

  private static boolean refMark(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  private static boolean refWord(int cp) {
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    boolean single =
        script == Character.UnicodeScript.HAN
            || script == Character.UnicodeScript.HIRAGANA
            || script == Character.UnicodeScript.KATAKANA;
    return (Character.isLetterOrDigit(cp) || refMark(cp)) && !single;
  }
}
