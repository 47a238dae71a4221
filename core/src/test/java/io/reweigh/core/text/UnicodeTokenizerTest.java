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
}
