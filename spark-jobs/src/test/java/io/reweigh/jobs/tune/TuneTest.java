package io.reweigh.jobs.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.config.Keys;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * reweigh tune on a planted three-domain corpus: an abundant clean domain, an under-represented
 * clean domain of other words, and a noise domain. Held-out text is clean text of both clean
 * domains. DoReMi's output is the mean of its domain weights (its dynamics are tested in
 * DoReMiTest); the held-out mix candidate follows the tuning half; the search chooses the lowest
 * tuning-half loss at full length, and tuned.conf reruns only the sampler.
 */
class TuneTest {
  static final SparkSession spark = SharedSpark.session();
  @TempDir static Path dir;
  static Path input;
  static Path out;
  static Path eval;

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
          "evaluate.min-eval-tokens=500",
          "evaluate.seeds=2",
          "tune.max-arms=4",
          "tune.max-candidates=5");

  static String[] words(String prefix, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = prefix + Integer.toString(i * 7919 % 4096, 36);
    }
    return out;
  }

  static final String[] CLEAN = words("ka", 200);
  static final String[] RARE = words("zu", 200);

  static String chain(String[] words, SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int w = r.nextInt(words.length);
    for (int i = 0, n = 40 + r.nextInt(40); i < n; i++) {
      sb.append(words[w]).append(' ');
      w = (w * 7 + 1 + r.nextInt(3) * 31) % words.length;
    }
    return sb.toString().trim();
  }

  static String noise(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      sb.append(Long.toHexString(r.nextLong() & 0xfffffL)).append(' ');
    }
    return sb.toString().trim();
  }

  static String line(String id, String text, String domain) throws IOException {
    return new ObjectMapper().writeValueAsString(Map.of("id", id, "text", text, "domain", domain));
  }

  @BeforeAll
  static void run() throws IOException {
    input = dir.resolve("input");
    Files.createDirectories(input);
    List<String> train = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 300; i++) {
      train.add(line("clean-" + i, chain(CLEAN, r), "clean"));
    }
    for (int i = 0; i < 20; i++) {
      train.add(line("rare-" + i, chain(RARE, r), "rare"));
    }
    for (int i = 0; i < 200; i++) {
      train.add(line("noise-" + i, noise(r), "noise"));
    }
    Files.write(input.resolve("train.jsonl"), train, StandardCharsets.UTF_8);
    List<String> held = new ArrayList<>();
    SplittableRandom h = new SplittableRandom(77);
    for (int i = 0; i < 60; i++) {
      held.add(line("held-clean-" + i, chain(CLEAN, h), "clean"));
      held.add(line("held-rare-" + i, chain(RARE, h), "rare"));
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

  @Test
  void learnsAMixtureSearchesOnTheTuningHalfAndTunedConfRerunsOnlyTheSampler() throws IOException {
    List<String> args = new ArrayList<>(List.of("tune", out.toString(), "--eval", eval.toString()));
    for (String s : SMALL) {
      args.add("--set");
      args.add(s);
    }
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    int code;
    try {
      System.setOut(new PrintStream(stdout, true));
      System.setErr(new PrintStream(stderr, true));
      code = Main.execute(args.toArray(String[]::new), System.out, System.err);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    assertEquals(0, code, stderr.toString());
    OutputDir o = new OutputDir(out.toString(), spark.sparkContext().hadoopConfiguration());
    Map<String, Object> manifest = o.readJson(o.resolve(Columns.MANIFEST));
    @SuppressWarnings("unchecked")
    Map<String, Object> t = (Map<String, Object>) manifest.get("tuning");
    assertNotNull(t, stdout.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> mix = (Map<String, Object>) t.get("mixture");
    assertEquals(List.of("clean", "noise", "rare"), mix.get("domains"), mix.toString());
    // the learned shares are the mean of α over the initial value and every step (doremi.csv)
    @SuppressWarnings("unchecked")
    List<Number> learned = (List<Number>) mix.get("learned");
    double[] mean = new double[3];
    List<String> alphaRows = Files.readAllLines(out.resolve("tuning/doremi.csv"));
    assertEquals("step,domain,alpha,excess_loss", alphaRows.get(0));
    assertEquals(1 + (120 + 1) * 3, alphaRows.size(), "α per step and domain, step 0 included");
    for (String row : alphaRows.subList(1, alphaRows.size())) {
      String[] f = row.split(",");
      mean[List.of("clean", "noise", "rare").indexOf(f[1])] += Double.parseDouble(f[2]) / 121;
    }
    double sum = 0;
    for (int d = 0; d < 3; d++) {
      assertEquals(mean[d], learned.get(d).doubleValue(), 1e-5, "domain " + d);
      sum += learned.get(d).doubleValue();
    }
    assertEquals(1.0, sum, 1e-9);
    // the search: five candidates, uniform first, the held-out set's own domain mix among them
    // (its clean domains half and half, no noise); the chosen one has the lowest last-rung loss
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> cands = (List<Map<String, Object>>) t.get("candidates");
    assertEquals(
        List.of(
            "uniform",
            "current",
            "mixture",
            "mixture α commonness=1",
            "held-out mix α commonness=1"),
        cands.stream().map(c -> c.get("name")).toList());
    @SuppressWarnings("unchecked")
    Map<String, Number> heldMix = (Map<String, Number>) cands.get(4).get("mixture");
    assertEquals(0.0, heldMix.get("noise").doubleValue(), 0);
    assertEquals(0.5, heldMix.get("rare").doubleValue(), 0.15, heldMix.toString());
    String chosen = (String) t.get("chosen");
    @SuppressWarnings("unchecked")
    int rungs = ((List<Object>) ((Map<String, Object>) t.get("search")).get("rung_steps")).size();
    double best = Double.POSITIVE_INFINITY;
    String bestName = null;
    for (Map<String, Object> c : cands) {
      @SuppressWarnings("unchecked")
      List<Number> l = (List<Number>) c.get("rung_loss");
      if (l.size() == rungs && l.get(rungs - 1).doubleValue() < best) {
        best = l.get(rungs - 1).doubleValue();
        bestName = (String) c.get("name");
      }
    }
    assertEquals(bestName, chosen);
    assertTrue(t.get("verdict").toString().length() > 20);
    assertTrue(stdout.toString().contains("← chosen"), stdout.toString());
    assertTrue(stderr.toString().contains("DoReMi proxy"), "progress lines name the runs");
    for (String f : List.of("tuned.conf", "candidates.csv", "curves.csv", "doremi.csv")) {
      assertTrue(Files.size(out.resolve("tuning").resolve(f)) > 0, f);
    }
    String html = Files.readString(out.resolve(Columns.REPORT));
    assertTrue(html.contains("id=\"tuning-candidates\""));
    assertTrue(html.contains("id=\"tuning-mixture\""));
    assertTrue(html.contains("id=\"tuning-curves\""));

    // tuned.conf reads as a config file and sets the run's stages and the chosen setting
    Path conf = out.resolve("tuning/tuned.conf");
    ResolvedConfig tuned = ConfigLoader.load(conf.toFile(), List.of());
    assertEquals(List.of("commonness"), tuned.stages());
    assertEquals(3, tuned.get(io.reweigh.dedup.CommonnessSignal.ORDER));
    @SuppressWarnings("unchecked")
    Map<String, Object> chosenAlphas =
        (Map<String, Object>)
            cands.stream()
                .filter(c -> c.get("name").equals(chosen))
                .findFirst()
                .get()
                .get("alphas");
    assertEquals(
        ((Number) chosenAlphas.get("commonness")).doubleValue(),
        tuned.get(Keys.alpha("commonness")),
        1e-12);

    // applying it reruns only the sampler and keeps the tuning summary
    ByteArrayOutputStream runErr = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(runErr, true));
      code =
          Main.execute(
              new String[] {
                "run",
                "--input",
                input.toString(),
                "--output",
                out.toString(),
                "-c",
                conf.toString()
              },
              new PrintStream(new ByteArrayOutputStream(), true),
              System.err);
    } finally {
      System.setErr(oldErr);
    }
    assertEquals(0, code, runErr.toString());
    assertTrue(
        runErr.toString().contains("ingest: committed result is current"), runErr.toString());
    assertTrue(runErr.toString().contains("commonness: committed result is current"));
    Map<String, Object> after = o.readJson(o.resolve(Columns.MANIFEST));
    assertNotNull(after.get("tuning"), "the stages it weighed are unchanged: the summary stays");
    assertTrue(Files.exists(out.resolve("tuning/tuned.conf")));
  }

  @Test
  void withoutDomainsTheMixtureIsSkippedSayingWhy() {
    Map<String, Long> none = new HashMap<>();
    none.put(null, 10L);
    assertEquals(
        "the documents have no domain (input.domain-column)",
        Tune.mixtureSkipped(new TuneDocs(null, 10, Map.of(), Map.of(), none, null, false)));
    Map<String, Long> some = new HashMap<>(none);
    some.put("a", 3L);
    assertTrue(
        Tune.mixtureSkipped(new TuneDocs(null, 13, Map.of(), Map.of(), some, null, false))
            .startsWith("some documents have no domain"));
    assertEquals(
        "every document is in one domain",
        Tune.mixtureSkipped(
            new TuneDocs(null, 3, Map.of(), Map.of(), Map.of("a", 3L), null, false)));
  }
}
