package io.reweigh.influence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.testing.ByoExample;
import io.reweigh.core.text.HuggingFaceTokenizer;
import io.reweigh.core.text.UnicodeTokenizer;
import org.junit.jupiter.api.Test;

/** How documents become proxy-LM and user-model inputs. */
class SequencesTest {
  static final String TEXT = "The Licensor grants a worldwide license.";

  /**
   * A tokenizer.json whose vocabulary fits the proxy's: ids shift by the 2 reserved, no hashing.
   */
  @Test
  void aFittingVocabularyIsUsedOneToOne() {
    HuggingFaceTokenizer tok = HuggingFaceTokenizer.load(ByoExample.tokenizer().toString());
    long[] ids = tok.tokenIds(TEXT);
    int[] seq = Sequences.encode(tok, TEXT, 1024, 128);
    assertTrue(Sequences.direct(tok, 1024));
    assertEquals(ids.length + 2, seq.length);
    assertEquals(Sequences.BOUNDARY, seq[0]);
    assertEquals(Sequences.BOUNDARY, seq[seq.length - 1]);
    for (int i = 0; i < ids.length; i++) {
      assertEquals(2 + ids[i], seq[i + 1]);
    }
    // 757 ids do not fit in 700 − 2: hashed into the buckets
    assertFalse(Sequences.direct(tok, 700));
    int[] hashed = Sequences.encode(tok, TEXT, 700, 128);
    for (int i = 0; i < ids.length; i++) {
      assertEquals(Sequences.bucket(ids[i], 700), hashed[i + 1]);
    }
    // the Unicode tokenizer's ids are hashes: always bucketed
    assertFalse(Sequences.direct(new UnicodeTokenizer(false), 1 << 20));
  }

  @Test
  void aUserModelGetsTheTokenizersIdsCut() {
    HuggingFaceTokenizer tok = HuggingFaceTokenizer.load(ByoExample.tokenizer().toString());
    long[] ids = tok.tokenIds(TEXT);
    int[] raw = Sequences.raw(tok, TEXT, 3);
    assertArrayEquals(new int[] {(int) ids[0], (int) ids[1], (int) ids[2], (int) ids[3]}, raw);
    assertEquals(0, Sequences.raw(tok, "", 3).length);
  }
}
