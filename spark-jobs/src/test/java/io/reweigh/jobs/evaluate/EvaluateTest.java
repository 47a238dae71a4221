package io.reweigh.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.spark.SharedSpark;
import io.reweigh.jobs.Main;
import io.reweigh.jobs.Pipeline;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.Progress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * reweigh evaluate on a planted case: clean documents from one word-level Markov chain plus a few
 * junk documents copied many times. Held-out documents come from the same chain, so the arm that
 * spends less of its budget on the copies (weighted: SoftDedup down-weights them) must reach a
 * lower held-out perplexity; three held-out documents are exact copies of training documents and
 * must be reported and left out.
 */
class EvaluateTest {
  static final SparkSession spark = SharedSpark.session();
  @TempDir static Path dir;
  static Path out;
  static Path eval;

  /** A small LM and budget: seconds per arm on two cores. */
  static final List<String> SMALL =
      List.of(
          "evaluate.proxy.vocab=1024",
          "evaluate.proxy.width=32",
          "evaluate.proxy.blocks=1",
          "evaluate.proxy.heads=2",
          "evaluate.proxy.context=32",
          "evaluate.steps=120",
          "evaluate.batch=8",
          "evaluate.every=20",
          "evaluate.learning-rate=3e-3",
          "evaluate.min-eval-tokens=1000");

  static final String[] WORDS = words(300, 1);

  static String[] words(int n, long seed) {
    String[] syll = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "go", "fu"};
    SplittableRandom r = new SplittableRandom(seed);
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      StringBuilder w = new StringBuilder();
      for (int k = 0, len = 2 + r.nextInt(2); k < len; k++) {
        w.append(syll[r.nextInt(syll.length)]);
      }
      out[i] = w.toString() + i;
    }
    return out;
  }

  /** A document of the clean chain: each word is followed by one of 3 fixed successors. */
  static String clean(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int w = r.nextInt(WORDS.length);
    for (int i = 0, n = 40 + r.nextInt(40); i < n; i++) {
      sb.append(WORDS[w]).append(i % 12 == 11 ? ". " : " ");
      w = (w * 7 + 1 + r.nextInt(3) * 101) % WORDS.length;
    }
    return sb.toString().trim();
  }

  static String junk(int k) {
    SplittableRandom r = new SplittableRandom(1000 + k);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 70; i++) {
      sb.append(Long.toHexString(r.nextLong() & 0xffffffL)).append(' ');
    }
    return sb.toString().trim();
  }

  static String line(String id, String text) throws IOException {
    return new ObjectMapper().writeValueAsString(Map.of("id", id, "text", text));
  }

  @BeforeAll
  static void run() throws IOException {
    Path input = dir.resolve("input");
    Files.createDirectories(input);
    List<String> train = new ArrayList<>();
    List<String> cleanTexts = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 400; i++) {
      String t = clean(r);
      cleanTexts.add(t);
      train.add(line("clean-" + i, t));
    }
    for (int k = 0; k < 10; k++) {
      for (int c = 0; c < 60; c++) {
        train.add(line("junk-" + k + "-" + c, junk(k)));
      }
    }
    Files.write(input.resolve("train.jsonl"), train, StandardCharsets.UTF_8);
    List<String> held = new ArrayList<>();
    SplittableRandom h = new SplittableRandom(99);
    for (int i = 0; i < 60; i++) {
      held.add(
          new ObjectMapper()
              .writeValueAsString(
                  Map.of(
                      "id", "held-" + i, "text", clean(h), "domain", i % 2 == 0 ? "even" : "odd")));
    }
    for (int i = 0; i < 3; i++) {
      held.add(line("leak-" + i, cleanTexts.get(i * 10)));
    }
    eval = dir.resolve("eval.jsonl");
    Files.write(eval, held, StandardCharsets.UTF_8);
    out = dir.resolve("out");
    ResolvedConfig cfg =
        ResolvedConfig.defaults().withSet("stages=[commonness]").withSet("softdedup.order=3");
    Pipeline.run(
        spark,
        new Pipeline.Options(input.toString(), out.toString(), cfg, false),
        new Progress(new PrintStream(new ByteArrayOutputStream(), true), 60));
  }

  static String[] args(String... more) {
    List<String> a =
        new ArrayList<>(List.of("evaluate", out.toString(), "--eval", eval.toString()));
    for (String s : SMALL) {
      a.add("--set");
      a.add(s);
    }
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void weightedArmBeatsUniformBeyondTheIntervalAndLeakedDocumentsAreLeftOut() throws IOException {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    int code;
    try {
      System.setOut(new PrintStream(stdout, true));
      System.setErr(new PrintStream(stderr, true));
      code =
          Main.execute(args("--arms", "uniform,weighted", "--seeds", "3"), System.out, System.err);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    assertEquals(0, code, stderr.toString());
    OutputDir o = new OutputDir(out.toString(), spark.sparkContext().hadoopConfiguration());
    Map<String, Object> manifest = o.readJson(o.resolve(Columns.MANIFEST));
    @SuppressWarnings("unchecked")
    Map<String, Object> e = (Map<String, Object>) manifest.get("evaluation");
    @SuppressWarnings("unchecked")
    Map<String, Object> held = (Map<String, Object>) e.get("held_out");
    assertEquals(3, ((Number) held.get("leaked_documents")).intValue(), held.toString());
    assertEquals(60, ((Number) held.get("documents")).intValue());
    assertEquals(List.of("even", "odd"), held.get("domains"));
    assertEquals(List.of(0, 1, 2), e.get("seeds"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> arms = (List<Map<String, Object>>) e.get("arms");
    assertEquals(List.of("uniform", "weighted"), arms.stream().map(a -> a.get("name")).toList());
    @SuppressWarnings("unchecked")
    Map<String, Object> ratio = (Map<String, Object>) arms.get(1).get("perplexity_ratio");
    assertEquals("better", ratio.get("verdict"), ratio + "\n" + stdout);
    assertTrue(((Number) ratio.get("high")).doubleValue() < 0.9, ratio.toString());
    assertTrue(
        ((Number) ratio.get("low")).doubleValue() <= ((Number) ratio.get("mean")).doubleValue());
    @SuppressWarnings("unchecked")
    Map<String, Object> base = (Map<String, Object>) arms.get(0).get("perplexity_ratio");
    assertEquals("baseline", base.get("verdict"));
    @SuppressWarnings("unchecked")
    Map<String, Object> steps = (Map<String, Object>) arms.get(1).get("steps_ratio");
    assertTrue(steps != null && ((Number) steps.get("mean")).doubleValue() < 1.0, "steps " + steps);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> runs = (List<Map<String, Object>>) arms.get(1).get("runs");
    assertEquals(3, runs.size());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> domains = (List<Map<String, Object>>) arms.get(1).get("domains");
    assertEquals(List.of("even", "odd"), domains.stream().map(d -> d.get("domain")).toList());
    // every arm and seed trained the same number of tokens (the budget)
    List<String> csv = Files.readAllLines(out.resolve("evaluation/curves.csv"));
    assertEquals(
        "arm,seed,step,tokens,learning_rate,train_loss,eval_loss,eval_perplexity", csv.get(0));
    assertEquals(1 + 2 * 3 * 7, csv.size());
    long budget = ((Number) e.get("budget_tokens")).longValue();
    assertEquals(120L * 8 * 32, budget);
    for (String arm : List.of("uniform", "weighted")) {
      for (int seed = 0; seed < 3; seed++) {
        assertEquals(String.valueOf(budget), lastLine(csv, arm + "," + seed).split(",")[3]);
      }
    }
    List<String> perDomain = Files.readAllLines(out.resolve("evaluation/domains.csv"));
    assertEquals("arm,seed,step,domain,eval_loss,eval_perplexity", perDomain.get(0));
    assertEquals(1 + 2 * 3 * 7 * 2, perDomain.size());
    String html = Files.readString(out.resolve(Columns.REPORT));
    assertTrue(html.contains("id=\"evaluation-curves\""), "chart in the report");
    assertTrue(html.contains("data-arm=\"weighted\""));
    assertTrue(html.contains("id=\"evaluation-domains\""));
    assertTrue(stdout.toString().contains("leaked from the training input"), stdout.toString());
    assertTrue(stdout.toString().contains("better"), stdout.toString());
    // progress: step k/N with an ETA over every run of the command
    assertTrue(
        stderr.toString().contains("weighted seed 2, step 120/120, train loss"), stderr.toString());
    assertTrue(stderr.toString().contains("100% of 720 steps"), stderr.toString());
    assertTrue(stderr.toString().contains("ETA"), stderr.toString());

    // deterministic: the uniform arm alone, again, draws and trains the same curve
    assertEquals(
        0, Main.execute(args("--arms", "uniform", "--seeds", "1", "-q"), System.out, System.err));
    List<String> again = Files.readAllLines(out.resolve("evaluation/curves.csv"));
    assertEquals(
        csv.stream().filter(l -> l.startsWith("uniform,0,")).toList(),
        again.subList(1, again.size()));
  }

  @Test
  void aQuickLookIsOneSeedAndSaysItIsNoVerdict() throws IOException {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    int code;
    try {
      System.setOut(new PrintStream(stdout, true));
      // without the test's evaluate.steps: an explicit --set would win over --quick's steps
      List<String> a = new ArrayList<>(List.of(args("--quick", "-q")));
      int at = a.indexOf("evaluate.steps=120");
      a.remove(at);
      a.remove(at - 1);
      code = Main.execute(a.toArray(String[]::new), System.out, System.err);
    } finally {
      System.setOut(oldOut);
    }
    assertEquals(0, code);
    assertTrue(
        stdout.toString().contains("one seed: no interval, not a verdict"), stdout.toString());
    OutputDir o = new OutputDir(out.toString(), spark.sparkContext().hadoopConfiguration());
    Map<String, Object> manifest = o.readJson(o.resolve(Columns.MANIFEST));
    @SuppressWarnings("unchecked")
    Map<String, Object> e = (Map<String, Object>) manifest.get("evaluation");
    assertEquals(List.of(0), e.get("seeds"));
    assertEquals(100, ((Number) e.get("steps")).intValue(), "a quarter of the default 400 steps");
  }

  @Test
  void tooFewHeldOutTokensAndAnArmTheRunCannotDrawAreClearErrors() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.execute(
            args("--set", "evaluate.min-eval-tokens=1000000", "-q"),
            System.out,
            new PrintStream(err, true));
    assertEquals(3, code, err.toString());
    assertTrue(err.toString().contains(eval.toString()), err.toString());
    assertTrue(err.toString().contains("evaluate.min-eval-tokens = 1,000,000"), err.toString());
    assertTrue(err.toString().contains("3 leaked"), err.toString());

    err.reset();
    code =
        Main.execute(
            args("--arms", "uniform,influence", "-q"), System.out, new PrintStream(err, true));
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("weight_influence"), err.toString());

    err.reset();
    code = Main.execute(args("--arms", "weighted", "-q"), System.out, new PrintStream(err, true));
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("no uniform arm"), err.toString());
  }

  private static String lastLine(List<String> csv, String prefix) {
    String last = null;
    for (String l : csv) {
      if (l.startsWith(prefix + ",")) {
        last = l;
      }
    }
    return last;
  }
}
