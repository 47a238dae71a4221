package io.reweigh.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.text.UnicodeTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KneserNeyModelTest {
  private static final UnicodeTokenizer TOK = new UnicodeTokenizer(false);

  static final List<String> CORPUS =
      List.of(
          "the cat sat on the mat .",
          "the cat sat on the mat .",
          "the dog sat on the log .",
          "a cat and a dog sat together on a mat .",
          "the cat ate the fish on the mat",
          "dogs and cats are friends .",
          "the cat sat .",
          "on the mat the cat sat and sat and sat .");

  static List<List<String>> words(List<String> docs) {
    List<List<String>> out = new ArrayList<>();
    for (String d : docs) {
      out.add(TOK.tokenize(d));
    }
    return out;
  }

  static List<long[]> ids(List<String> docs) {
    List<long[]> out = new ArrayList<>();
    for (String d : docs) {
      out.add(TOK.tokenIds(d));
    }
    return out;
  }

  /** Probability the model gives to token w after the given history (no padding involved). */
  static double modelProb(KneserNeyModel m, List<String> history, String w) {
    List<String> seq = new ArrayList<>(history);
    seq.add(w);
    long[] t = TOK.tokenIds(String.join(" ", seq));
    double[] p = {0};
    int target = seq.size() - 1;
    NGrams.forEachPosition(
        t,
        m.order(),
        (j, s, c) -> {
          if (j == target) {
            p[0] = m.probability(s, c);
          }
        });
    return p[0];
  }

  @Test
  void discountsFollowChenGoodman() {
    Discounts d = Discounts.fromCountsOfCounts(100, 40, 20, 10);
    double y = 100.0 / (100 + 80);
    assertEquals(1 - 2 * y * 40 / 100, d.d1(), 1e-15);
    assertEquals(2 - 3 * y * 20 / 40, d.d2(), 1e-15);
    assertEquals(3 - 4 * y * 10 / 20, d.d3(), 1e-15);
    assertEquals(d.d1(), d.of(1));
    assertEquals(d.d3(), d.of(7));
    // degenerate counts fall back to Y, clamped to (0, c]
    Discounts tiny = Discounts.fromCountsOfCounts(3, 0, 0, 0);
    assertTrue(tiny.d1() > 0 && tiny.d1() <= 1);
    assertTrue(tiny.d2() > 0 && tiny.d3() > 0);
  }

  @Test
  void matchesTextbookReferenceForTheSameDiscounts() {
    for (int n = 1; n <= 4; n++) {
      Discounts[] d = new Discounts[n];
      for (int k = 0; k < n; k++) {
        d[k] = new Discounts(0.4 + 0.1 * k, 0.9 + 0.05 * k, 1.3 + 0.1 * k);
      }
      KneserNeyModel m = KneserNeyModel.train(ids(CORPUS), n, d);
      ReferenceKneserNey ref = new ReferenceKneserNey(words(CORPUS), n, d);
      assertEquals(ref.vocab, m.vocabularySize());
      int checked = 0;
      for (List<String> doc : words(CORPUS)) {
        List<String> p = ReferenceKneserNey.padded(doc, n);
        long[] t = TOK.tokenIds(String.join(" ", doc));
        int nn = n;
        double[] got = new double[doc.size() + 1];
        NGrams.forEachPosition(t, n, (j, s, c) -> got[j] = m.probability(s, c));
        for (int j = n - 1; j < p.size(); j++) {
          double want = ref.prob(p.subList(0, j), p.get(j));
          assertEquals(want, got[j - (nn - 1)], 1e-12 * want, "n=" + n + " doc=" + doc + " j=" + j);
          checked++;
        }
      }
      assertTrue(checked > 50);
    }
  }

  @Test
  void estimatedDiscountsAlsoMatchReference() {
    KneserNeyModel m = KneserNeyModel.train(ids(CORPUS), 3);
    Discounts[] d = {m.discounts(1), m.discounts(2), m.discounts(3)};
    ReferenceKneserNey ref = new ReferenceKneserNey(words(CORPUS), 3, d);
    assertEquals(
        ref.prob(List.of("the", "cat"), "sat"), modelProb(m, List.of("the", "cat"), "sat"), 1e-12);
    assertEquals(
        ref.prob(List.of("on", "the"), "mat"), modelProb(m, List.of("on", "the"), "mat"), 1e-12);
    // an unseen history backs off completely
    assertEquals(
        ref.prob(List.of("fish", "dogs"), "sat"),
        modelProb(m, List.of("fish", "dogs"), "sat"),
        1e-12);
  }

  @Test
  void probabilitiesSumToOneOverTheVocabulary() {
    KneserNeyModel m = KneserNeyModel.train(ids(CORPUS), 3);
    Set<String> vocab = new LinkedHashSet<>();
    words(CORPUS).forEach(vocab::addAll);
    vocab.add("</s>");
    // histories seen, partly seen, unseen; the </s> token is predicted through its own id
    for (List<String> h :
        List.of(
            List.of("the", "cat"),
            List.of("on", "the"),
            List.of("and", "sat"),
            List.of("fish", "zebra"))) {
      double total = 0;
      for (String w : vocab) {
        if (w.equals("</s>")) {
          // P(</s> | h): score a document ending after h and take its last position
          long[] t = TOK.tokenIds(String.join(" ", h));
          double[] p = {0};
          NGrams.forEachPosition(
              t,
              3,
              (j, s, c) -> {
                if (j == t.length) {
                  p[0] = m.probability(s, c);
                }
              });
          total += p[0];
        } else {
          total += modelProb(m, h, w);
        }
      }
      assertEquals(1.0, total, 1e-9, "history " + h);
    }
  }

  @Test
  void documentLogProbIsTheSumOfPositionLogProbs() {
    KneserNeyModel m = KneserNeyModel.train(ids(CORPUS), 4);
    long[] t = TOK.tokenIds(CORPUS.get(3));
    double[] sum = {0};
    NGrams.forEachPosition(t, 4, (j, s, c) -> sum[0] += Math.log(m.probability(s, c)));
    DocScore ds = m.score(t);
    assertEquals(t.length + 1, ds.positions());
    assertEquals(sum[0], ds.logProb(), 1e-8);
    assertEquals(Math.exp(sum[0] / (t.length + 1)), ds.commonness(), 1e-9);
  }

  @Test
  void repeatedTextIsMoreCommonThanUniqueText() {
    List<String> docs = new ArrayList<>(CORPUS);
    for (int i = 0; i < 20; i++) {
      docs.add("subscribe to our newsletter for the latest updates");
    }
    docs.add("quantum zebras juggle purple theorems quietly");
    KneserNeyModel m = KneserNeyModel.train(ids(docs), 4);
    double dup =
        m.score(TOK.tokenIds("subscribe to our newsletter for the latest updates")).commonness();
    double uniq =
        m.score(TOK.tokenIds("quantum zebras juggle purple theorems quietly")).commonness();
    assertTrue(dup > 2 * uniq, dup + " vs " + uniq);
  }

  @Test
  void shortAndEmptyDocumentsAreScored() {
    KneserNeyModel m = KneserNeyModel.train(ids(List.of("a", "a b", "")), 4);
    DocScore one = m.score(TOK.tokenIds("a"));
    assertEquals(2, one.positions());
    assertTrue(one.commonness() > 0 && one.commonness() <= 1);
    assertEquals(1, m.score(new long[0]).positions());
    assertTrue(
        Arrays.stream(new double[] {m.score(new long[0]).commonness()})
            .allMatch(x -> x > 0 && x <= 1));
  }
}
