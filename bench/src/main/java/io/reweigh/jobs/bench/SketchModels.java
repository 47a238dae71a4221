package io.reweigh.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import io.reweigh.core.weights.RankCorrelation;
import io.reweigh.dedup.GramTables;
import io.reweigh.dedup.NGrams;
import io.reweigh.dedup.ScoreMap;
import io.reweigh.dedup.SketchLm;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.util.sketch.CountMinSketch;

/**
 * How well sketch mode's LM ranks documents like exact Kneser-Ney, on a real corpus, for Dirichlet
 * strengths μ_k = base · growth^(k−1) (docs/softdedup.md, "Why sketch mode ranks far from exact";
 * docs/benchmarks.md, "Sketch mode against exact"). The corpus (JSONL with id and text) is split in
 * two halves by the id's hash, each a corpus of its own: exact KN by the in-memory path's tables,
 * the sketch as production builds it (Spark's count-min sketch, ε = 1e−6, confidence 0.99, seed
 * 42). Every sketch estimate is looked up once and kept, so the grid costs little. One JVM, no
 * Spark:
 *
 * <pre>
 *   REWEIGH_MAIN=io.reweigh.jobs.bench.SketchModels bin/reweigh CORPUS.jsonl ORDER
 * </pre>
 *
 * Prints one line per (half, base, growth): {@code BENCH sketch-model o4 half 0 base 4 growth 1
 * spearman 0.5354}. Needs ~16 GB of heap for 150 MB of text at order 4 (REWEIGH_DRIVER_MEMORY).
 */
public final class SketchModels {
  private SketchModels() {}

  static final double[] BASES = {1, 2, 4, 8, 16};
  static final double[] GROWTHS = {1, 2, 3, 4, 6};

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: SketchModels CORPUS.jsonl ORDER");
    }
    int n = Integer.parseInt(args[1]);
    Tokenizer tok = Tokenizers.fromConfig(ResolvedConfig.defaults());
    List<List<long[]>> halves = List.of(new ArrayList<>(), new ArrayList<>());
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode doc = json.readTree(line);
        halves
            .get(doc.get("id").asText().hashCode() & 1)
            .add(tok.tokenIds(doc.get("text").asText()));
      }
    }
    for (int h = 0; h < 2; h++) {
      half(halves.get(h), n, h);
    }
  }

  static void half(List<long[]> docs, int n, int h) {
    GramTables tables = new GramTables(n, 1 << 20);
    docs.forEach(tables::add);
    ScoreMap exact = tables.probabilities().logProbs();
    double[] ex = new double[docs.size()];
    for (int i = 0; i < ex.length; i++) {
      ex[i] = exact.score(docs.get(i), n).commonness();
    }
    CountMinSketch cms = CountMinSketch.create(1e-6, 0.99, 42);
    long positions = 0;
    for (long[] d : docs) {
      positions += SketchLm.addTo(d, n, cms::addLong);
    }
    // per position and level: the gram's and the history's estimates
    int[] gram = new int[Math.toIntExact(positions * n)];
    int[] hist = new int[gram.length];
    int[] end = new int[docs.size()];
    int[] at = {0};
    for (int i = 0; i < docs.size(); i++) {
      NGrams.forEachPosition(
          docs.get(i),
          n,
          (j, s, c) -> {
            for (int k = 1; k <= n; k++) {
              gram[at[0] * n + k - 1] = (int) cms.estimateCount(s[k - 1]);
              hist[at[0] * n + k - 1] = k == 1 ? 0 : (int) cms.estimateCount(c[k - 1]);
            }
            at[0]++;
          });
      end[i] = at[0];
    }
    for (double base : BASES) {
      for (double growth : GROWTHS) {
        double[] mu = new double[n + 1];
        for (int k = 1; k <= n; k++) {
          mu[k] = base * Math.pow(growth, k - 1);
        }
        double[] sk = new double[docs.size()];
        int from = 0;
        for (int i = 0; i < docs.size(); i++) {
          double sum = 0;
          for (int q = from; q < end[i]; q++) {
            double p = 1.0 / SketchLm.V0;
            for (int k = 1; k <= n; k++) {
              double cg = gram[q * n + k - 1];
              double ch = k == 1 ? positions : hist[q * n + k - 1];
              p = Math.min(1.0, (cg + mu[k] * p) / (Math.max(ch, cg) + mu[k]));
            }
            sum += StrictMath.log(p);
          }
          sk[i] = sum / Math.max(1, end[i] - from);
          from = end[i];
        }
        System.out.printf(
            Locale.ROOT,
            "BENCH sketch-model o%d half %d (%d docs) base %.0f growth %.0f spearman %.4f%n",
            n,
            h,
            docs.size(),
            base,
            growth,
            RankCorrelation.spearman(ex, sk));
      }
    }
  }
}
