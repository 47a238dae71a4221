package io.reweigh.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import io.reweigh.core.weights.RankCorrelation;
import io.reweigh.dedup.CommonnessSignal;
import io.reweigh.jobs.Sessions;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Helpers of bin/bench-peers (the peer comparison of docs/benchmarks.md, "Commonness against KenLM
 * and DSIR"):
 *
 * <ul>
 *   <li>{@code tokens IN OUT}: every document of the JSONL file or directory IN as reweigh's
 *       tokenizer splits it (default config), tokens joined by one space, one document per line, so
 *       KenLM (which splits on whitespace) counts exactly the tokens reweigh counts; the documents'
 *       ids and token counts go to OUT.ids in the same order.
 *   <li>{@code convert IN OUT}: the baseline of a run without signals, a plain Spark JSON to zstd
 *       Parquet conversion of the same input.
 *   <li>{@code spearman A B}: rank agreement of two per-document scores, each either a reweigh
 *       output directory (ln commonness = log_prob ÷ n_tokens of stages/commonness) or a KenLM
 *       {@code query -v sentence} output {@code QUERY_OUT:TOKENS} (the sentence's log10 probability
 *       ÷ its tokens + 1, the same positions reweigh predicts; ids and counts from TOKENS.ids).
 * </ul>
 */
public final class PeerBench {
  private PeerBench() {}

  public static void main(String[] args) throws Exception {
    String usage = "usage: PeerBench tokens IN OUT | convert IN OUT | spearman A B";
    if (args.length != 3) {
      throw new IllegalArgumentException(usage);
    }
    switch (args[0]) {
      case "tokens" -> tokens(Path.of(args[1]), Path.of(args[2]));
      case "convert" -> convert(args[1], args[2]);
      case "spearman" -> spearman(args[1], args[2]);
      default -> throw new IllegalArgumentException(usage);
    }
  }

  static void tokens(Path in, Path out) throws Exception {
    Tokenizer tok = Tokenizers.fromConfig(ResolvedConfig.defaults());
    ObjectMapper json = new ObjectMapper();
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(in)) {
      try (Stream<Path> s = Files.list(in)) {
        s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
      }
    } else {
      files.add(in);
    }
    long docs = 0;
    long tokens = 0;
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        BufferedWriter ids =
            Files.newBufferedWriter(Path.of(out + ".ids"), StandardCharsets.UTF_8)) {
      for (Path f : files) {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (line.isBlank()) {
              continue;
            }
            JsonNode doc = json.readTree(line);
            List<String> t = tok.tokenize(doc.get("text").asText());
            w.write(String.join(" ", t));
            w.write('\n');
            ids.write(doc.get("id").asText() + "\t" + t.size() + "\n");
            docs++;
            tokens += t.size();
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "BENCH tokens docs=%d tokens=%d%n", docs, tokens);
  }

  static void convert(String in, String out) {
    long t0 = System.nanoTime();
    SparkSession spark = Sessions.create(null);
    long t1 = System.nanoTime();
    spark.read().json(in).write().option("compression", "zstd").parquet(out);
    long t2 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "BENCH convert session_s=%.2f convert_s=%.2f%n",
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9);
    spark.stop();
  }

  static void spearman(String a, String b) throws Exception {
    SparkSession spark = Sessions.create(null);
    Map<String, Double> x = perTokenLogProb(spark, a);
    Map<String, Double> y = perTokenLogProb(spark, b);
    List<String> ids = new ArrayList<>();
    for (String id : x.keySet()) {
      if (y.containsKey(id)) {
        ids.add(id);
      }
    }
    double[] u = new double[ids.size()];
    double[] v = new double[ids.size()];
    for (int i = 0; i < u.length; i++) {
      u[i] = x.get(ids.get(i));
      v[i] = y.get(ids.get(i));
    }
    System.out.printf(
        Locale.ROOT,
        "BENCH spearman docs=%d of %d/%d rho=%.4f%n",
        u.length,
        x.size(),
        y.size(),
        RankCorrelation.spearman(u, v));
    spark.stop();
  }

  private static Map<String, Double> perTokenLogProb(SparkSession spark, String source)
      throws Exception {
    Map<String, Double> out = new HashMap<>();
    Path p = Path.of(source);
    if (!source.contains(":")) {
      String table = p.resolve(Columns.STAGES_DIR).resolve(CommonnessSignal.NAME).toString();
      for (Row r :
          spark
              .read()
              .parquet(table)
              .select(Columns.ID, CommonnessSignal.LOG_PROB, Columns.N_TOKENS)
              .collectAsList()) {
        out.put(r.getString(0), r.getDouble(1) / r.getInt(2));
      }
      return out;
    }
    int colon = source.lastIndexOf(':');
    List<String> ids =
        Files.readAllLines(Path.of(source.substring(colon + 1) + ".ids"), StandardCharsets.UTF_8);
    Pattern total = Pattern.compile("Total: (\\S+) OOV: \\d+");
    int i = 0;
    try (BufferedReader r =
        Files.newBufferedReader(Path.of(source.substring(0, colon)), StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        Matcher m = total.matcher(line);
        if (m.find() && i < ids.size()) {
          String[] idAndTokens = ids.get(i++).split("\t");
          out.put(
              idAndTokens[0],
              Double.parseDouble(m.group(1)) / (Integer.parseInt(idAndTokens[1]) + 1));
        }
      }
    }
    if (i != ids.size()) {
      throw new IllegalStateException(source + ": " + i + " sentence totals for " + ids.size());
    }
    return out;
  }
}
