package io.reweigh.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.text.UnicodeTokenizer;
import io.reweigh.core.weights.RankCorrelation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SketchLmTest {
  static final UnicodeTokenizer TOK = new UnicodeTokenizer(false);

  static List<long[]> corpus(int docs) {
    List<long[]> ids = new ArrayList<>();
    for (DemoCorpus.Doc d : new DemoCorpus(21).generate(docs)) {
      ids.add(TOK.tokenIds(d.text()));
    }
    return ids;
  }

  @Test
  void historyCountsAreTheGramCountsOfThePreviousPosition() {
    List<long[]> docs = corpus(300);
    Map<Long, Long> grams = new HashMap<>();
    long positions = 0;
    for (long[] d : docs) {
      positions += SketchLm.addTo(d, 4, k -> grams.merge(k, 1L, Long::sum));
    }
    // count histories directly
    Map<Long, Long>[] histories = new HashMap[5];
    for (int k = 1; k <= 4; k++) {
      histories[k] = new HashMap<>();
    }
    for (long[] d : docs) {
      NGrams.forEachPosition(
          d,
          4,
          (j, s, c) -> {
            for (int k = 1; k <= 4; k++) {
              histories[k].merge(c[k - 1], 1L, Long::sum);
            }
          });
    }
    assertEquals(positions, (long) histories[1].values().stream().mapToLong(Long::longValue).sum());
    for (int k = 2; k <= 4; k++) {
      for (Map.Entry<Long, Long> e : histories[k].entrySet()) {
        assertEquals(e.getValue(), grams.get(e.getKey()), "order " + k);
      }
    }
  }

  @Test
  void exactCountsRankDocumentsLikeKneserNey() {
    List<long[]> docs = corpus(1500);
    Map<Long, Long> grams = new HashMap<>();
    long positions = 0;
    for (long[] d : docs) {
      positions += SketchLm.addTo(d, 4, k -> grams.merge(k, 1L, Long::sum));
    }
    KneserNeyModel kn = KneserNeyModel.train(docs, 4);
    double[] a = new double[docs.size()];
    double[] b = new double[docs.size()];
    for (int i = 0; i < docs.size(); i++) {
      a[i] = kn.score(docs.get(i)).commonness();
      long total = positions;
      b[i] = SketchLm.score(docs.get(i), 4, k -> grams.getOrDefault(k, 0L), total).commonness();
      assertTrue(b[i] > 0 && b[i] <= 1);
    }
    double rho = RankCorrelation.spearman(a, b);
    assertTrue(rho >= 0.95, "spearman " + rho); // the issue-3 bar for sketch vs exact
  }
}
