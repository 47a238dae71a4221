package io.reweigh.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.ReweighException;
import io.reweigh.core.testing.ByoExample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceTokenizerTest {

  private static ResolvedConfig hf(Path p) {
    return ResolvedConfig.defaults()
        .with("tokenizer.kind", "huggingface")
        .with("tokenizer.path", p.toString());
  }

  /**
   * The ids equal those of an independent byte-level BPE encoder (bin/make-byo-example, Python) on
   * ASCII, Latin-1, CJK, emoji, whitespace runs, one char and the empty string.
   */
  @Test
  void idsEqualTheReferenceEncoder() {
    Tokenizer tok = Tokenizers.fromConfig(hf(ByoExample.tokenizer()));
    JsonNode ref = ByoExample.reference();
    assertEquals(ref.get("vocabulary_size").asInt(), tok.vocabularySize());
    for (int i = 0; i < ref.get("texts").size(); i++) {
      String text = ref.get("texts").get(i).asText();
      JsonNode ids = ref.get("ids").get(i);
      long[] want = new long[ids.size()];
      for (int j = 0; j < want.length; j++) {
        want[j] = ids.get(j).asLong();
      }
      assertArrayEquals(want, tok.tokenIds(text), text);
      assertEquals(want.length, tok.count(text), text);
      List<String> spans = new ArrayList<>();
      tok.forEachToken(text, (t, s, e) -> spans.add(t.subSequence(s, e).toString()));
      assertEquals(want.length, spans.size(), text);
    }
  }

  /** Spans are in order, inside the text, and cover every non-space char of it. */
  @Test
  void spansCoverTheText() {
    Tokenizer tok = Tokenizers.fromConfig(hf(ByoExample.tokenizer()));
    String text = "The Work, as defined in this License; and the Licensor's rights.";
    StringBuilder covered = new StringBuilder();
    int[] last = {0};
    tok.forEachToken(
        text,
        (t, s, e) -> {
          assertTrue(s >= last[0] && e >= s && e <= text.length(), s + ".." + e);
          last[0] = s;
          covered.append(t.subSequence(s, e));
        });
    assertEquals(text.replace(" ", ""), covered.toString().replace(" ", ""));
  }

  /** Serialised into a task and back: same ids, and the native tokenizer is not built again. */
  @Test
  void travelsToExecutorsAndLoadsOncePerJvm() throws Exception {
    Tokenizer tok = Tokenizers.fromConfig(hf(ByoExample.tokenizer()));
    String text = "The licensor grants you a license.";
    long[] ids = tok.tokenIds(text);
    int loads = HuggingFaceTokenizer.loads();
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
      out.writeObject(tok);
    }
    Tokenizer back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
      back = (Tokenizer) in.readObject();
    }
    assertArrayEquals(ids, back.tokenIds(text));
    assertEquals(loads, HuggingFaceTokenizer.loads());
  }

  @Test
  void missingFileIsAUsageErrorNamingThePath(@TempDir Path dir) {
    Path p = dir.resolve("nope/tokenizer.json");
    ReweighException e = assertThrows(ReweighException.class, () -> Tokenizers.fromConfig(hf(p)));
    assertEquals(2, e.kind().exitCode);
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("tokenizer.path"), e.getMessage());
  }

  @Test
  void invalidFilesAreInputErrorsNamingThePath(@TempDir Path dir) throws Exception {
    Path notJson = dir.resolve("a.json");
    Files.writeString(notJson, "{ this is not json");
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, "{\"model_max_length\": 512}");
    Path badModel = dir.resolve("b.json");
    Files.writeString(badModel, "{\"model\": {\"type\": \"NoSuchModel\", \"vocab\": {\"a\": 0}}}");
    for (Path p : List.of(notJson, config, badModel)) {
      ReweighException e =
          assertThrows(ReweighException.class, () -> Tokenizers.fromConfig(hf(p)), p.toString());
      assertEquals(3, e.kind().exitCode, e.getMessage());
      assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }
  }

  @Test
  void pathIsRequiredAndLowercaseRefused() {
    ReweighException e =
        assertThrows(
            ReweighException.class,
            () ->
                Tokenizers.fromConfig(
                    ResolvedConfig.defaults().with("tokenizer.kind", "huggingface")));
    assertTrue(e.getMessage().contains("tokenizer.path"), e.getMessage());
    ReweighException lower =
        assertThrows(
            ReweighException.class,
            () ->
                Tokenizers.fromConfig(
                    hf(ByoExample.tokenizer()).with("tokenizer.lowercase", true)));
    assertTrue(lower.getMessage().contains("tokenizer.lowercase"), lower.getMessage());
  }

  /** Replacing the file in place changes the fingerprint of a plan that tokenizes. */
  @Test
  void fingerprintCoversTheFileContent(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("tokenizer.json");
    Files.copy(ByoExample.tokenizer(), p);
    ResolvedConfig a = hf(p).recording();
    Tokenizers.fromConfig(a);
    String json = Files.readString(p, StandardCharsets.UTF_8);
    Files.writeString(p, json + "\n");
    ResolvedConfig b = hf(p).recording();
    Tokenizers.fromConfig(b);
    ResolvedConfig c = hf(p).recording();
    Tokenizers.fromConfig(c);
    assertNotEquals(a.hashOfReads(), b.hashOfReads());
    assertEquals(b.hashOfReads(), c.hashOfReads());
  }
}
