package io.reweigh.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reweigh.core.testing.ByoExample;
import io.reweigh.core.text.HuggingFaceTokenizer;
import io.reweigh.core.text.Tokenizer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's TorchScript LM (conf/byo/tiny-lm.pt) against what PyTorch's autograd computed for it one
 * document at a time (conf/byo/reference.json, bin/make-byo-example).
 */
class TorchScriptLmTest {
  static TorchScriptLm model;
  static Tokenizer tokenizer;
  static JsonNode ref;

  @BeforeAll
  static void setUp() throws Exception {
    DjlRuntime.engine();
    DjlRuntime.inferenceThread();
    model = TorchScriptLm.fromBytes(Files.readAllBytes(ByoExample.model()));
    tokenizer = HuggingFaceTokenizer.load(ByoExample.tokenizer().toString());
    ref = ByoExample.reference();
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  private static List<int[]> sequences(int maxTokens) {
    List<int[]> seqs = new ArrayList<>();
    for (JsonNode t : ref.get("texts")) {
      seqs.add(Sequences.raw(tokenizer, t.asText(), maxTokens));
    }
    return seqs;
  }

  private static double[] si(List<int[]> seqs, int rows, int maxTokens, SelfInfluence.Norm norm) {
    return DjlRuntime.exclusive(
        () -> {
          try (var bm = model.manager().newSubManager()) {
            return model.selfInfluence(
                Sequences.batch(bm, seqs, rows, maxTokens), List.of("head"), norm);
          }
        });
  }

  /** Ghost norms from one forward equal autograd's per-document gradients to ≤ 1e-4 relative. */
  @Test
  void selfInfluenceEqualsThePerDocumentAutogradLoop() {
    int maxTokens = ref.get("max_tokens").asInt();
    List<int[]> seqs = sequences(maxTokens);
    for (SelfInfluence.Norm norm : SelfInfluence.Norm.values()) {
      double[] got = si(seqs, seqs.size(), maxTokens, norm);
      JsonNode want = ref.get("self_influence").get(norm.name().toLowerCase(java.util.Locale.ROOT));
      int nonZero = 0;
      for (int i = 0; i < got.length; i++) {
        double w = want.get(i).asDouble();
        if (w == 0) {
          assertEquals(0.0, got[i], "document " + i + " predicts nothing");
          continue;
        }
        nonZero++;
        assertTrue(
            Math.abs(got[i] - w) <= 1e-4 * w,
            norm + " document " + i + ": ghost norm " + got[i] + ", autograd " + w);
      }
      assertTrue(nonZero >= 5, "the reference has real documents");
    }
  }

  /** Rows scored one at a time (a large vocabulary) give the scores of the whole-batch pass. */
  @Test
  void rowByRowEqualsWholeBatch() {
    int maxTokens = ref.get("max_tokens").asInt();
    List<int[]> seqs = sequences(maxTokens);
    for (SelfInfluence.Norm norm : SelfInfluence.Norm.values()) {
      double[][] got =
          DjlRuntime.exclusive(
              () -> {
                try (var bm = model.manager().newSubManager()) {
                  Sequences.Batch b = Sequences.batch(bm, seqs, seqs.size(), maxTokens);
                  return new double[][] {
                    model.selfInfluence(b, norm, TorchScriptLm.CHUNK_FLOATS),
                    model.selfInfluence(b, norm, 1)
                  };
                }
              });
      for (int i = 0; i < seqs.size(); i++) {
        assertEquals(got[0][i], got[1][i], 1e-6 * Math.abs(got[0][i]), norm + " document " + i);
      }
    }
  }

  /** A document's score does not depend on the batch it is in (causal model, right padding). */
  @Test
  void scoresDoNotDependOnBatchNeighbours() {
    int maxTokens = ref.get("max_tokens").asInt();
    List<int[]> seqs = sequences(maxTokens);
    double[] all = si(seqs, seqs.size(), maxTokens, SelfInfluence.Norm.WINDOW);
    for (int i = 0; i < seqs.size(); i++) {
      double[] alone = si(List.of(seqs.get(i)), 3, maxTokens, SelfInfluence.Norm.WINDOW);
      assertEquals(all[i], alone[0], 1e-5 * Math.max(1e-12, Math.abs(all[i])), "document " + i);
    }
  }

  @Test
  void meanHiddenStatesEqualTheReference() {
    int maxTokens = ref.get("max_tokens").asInt();
    List<int[]> seqs = sequences(maxTokens);
    float[][] h =
        DjlRuntime.exclusive(
            () -> {
              try (var bm = model.manager().newSubManager()) {
                Sequences.Batch b = Sequences.batch(bm, seqs, seqs.size(), maxTokens);
                return model.meanHidden(b.ids(), b.mask());
              }
            });
    for (int i = 0; i < seqs.size(); i++) {
      JsonNode want = ref.get("mean_hidden").get(i);
      assertEquals(want.size(), h[i].length);
      for (int j = 0; j < h[i].length; j++) {
        assertEquals(want.get(j).asDouble(), h[i][j], 1e-4, "document " + i + " dim " + j);
      }
    }
  }

  @Test
  void wrongSignatureIsNamed() throws Exception {
    try (TorchScriptLm wrong =
        TorchScriptLm.fromBytes(
            Files.readAllBytes(ByoExample.dir().resolve("wrong-signature.pt")))) {
      var e =
          org.junit.jupiter.api.Assertions.assertThrows(
              TorchScriptLm.SignatureException.class,
              () -> {
                try (var bm = wrong.manager().newSubManager()) {
                  wrong.forward(
                      bm.zeros(
                          new ai.djl.ndarray.types.Shape(2, 4),
                          ai.djl.ndarray.types.DataType.INT64));
                }
              });
      assertTrue(e.getMessage().contains("1 tensor(s), expected 2"), e.getMessage());
    }
  }
}
