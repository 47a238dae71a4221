package io.reweigh.dedup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A textbook interpolated modified Kneser-Ney written independently of the production code: string
 * n-grams in plain maps, adjusted counts from explicit sets of left extensions, probabilities by
 * the recursion of Chen &amp; Goodman (1998). Slow and obvious on purpose.
 */
final class ReferenceKneserNey {
  final int n;
  final Map<List<String>, Integer>[] adjusted; // [k] → k-gram → adjusted count
  final Discounts[] d;
  final int vocab;

  @SuppressWarnings("unchecked")
  ReferenceKneserNey(List<List<String>> docs, int n, Discounts[] fixed) {
    this.n = n;
    Map<List<String>, Integer> raw = new HashMap<>();
    for (List<String> doc : docs) {
      List<String> p = padded(doc, n);
      for (int j = n - 1; j < p.size(); j++) {
        raw.merge(List.copyOf(p.subList(j - n + 1, j + 1)), 1, Integer::sum);
      }
    }
    adjusted = new Map[n + 1];
    adjusted[n] = raw;
    for (int k = n - 1; k >= 1; k--) {
      Map<List<String>, Set<String>> left = new HashMap<>();
      for (List<String> g : adjusted[k + 1].keySet()) {
        left.computeIfAbsent(List.copyOf(g.subList(1, g.size())), x -> new HashSet<>())
            .add(g.get(0));
      }
      Map<List<String>, Integer> a = new HashMap<>();
      left.forEach((g, s) -> a.put(g, s.size()));
      adjusted[k] = a;
    }
    this.d = fixed;
    this.vocab = adjusted[1].size();
  }

  static List<String> padded(List<String> doc, int n) {
    List<String> p = new ArrayList<>();
    for (int i = 0; i < n - 1; i++) {
      p.add("<s>");
    }
    p.addAll(doc);
    p.add("</s>");
    return p;
  }

  /** P(w | history) with history of any length ≤ n−1 (the last n−1 words are used). */
  double prob(List<String> history, String w) {
    List<String> h =
        history.size() > n - 1
            ? history.subList(history.size() - (n - 1), history.size())
            : history;
    return prob(h.size() + 1, h, w);
  }

  private double prob(int k, List<String> h, String w) {
    if (k == 0) {
      return 1.0 / vocab;
    }
    List<String> ctx = h.subList(h.size() - (k - 1), h.size());
    double lower = prob(k - 1, h, w);
    long sum = 0;
    long n1 = 0;
    long n2 = 0;
    long n3 = 0;
    for (Map.Entry<List<String>, Integer> e : adjusted[k].entrySet()) {
      if (e.getKey().subList(0, k - 1).equals(ctx)) {
        int a = e.getValue();
        sum += a;
        if (a == 1) {
          n1++;
        } else if (a == 2) {
          n2++;
        } else {
          n3++;
        }
      }
    }
    if (sum == 0) {
      return lower;
    }
    List<String> g = new ArrayList<>(ctx);
    g.add(w);
    int a = adjusted[k].getOrDefault(g, 0);
    Discounts dk = d[k - 1];
    double disc = a == 0 ? 0 : (a == 1 ? dk.d1() : (a == 2 ? dk.d2() : dk.d3()));
    double gamma = (dk.d1() * n1 + dk.d2() * n2 + dk.d3() * n3) / sum;
    return Math.max(a - disc, 0) / sum + gamma * lower;
  }
}
