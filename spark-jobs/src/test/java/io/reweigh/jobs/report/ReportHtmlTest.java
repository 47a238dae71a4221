package io.reweigh.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.demo.DemoCorpus;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.text.UnicodeTokenizer;
import io.reweigh.jobs.manifest.EvaluationSummary;
import io.reweigh.jobs.manifest.IngestDetails;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.manifest.TuningSummary;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.WeightStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

public class ReportHtmlTest {
  static final String HOSTILE = DemoCorpus.HOSTILE_HTML + "\"'&";

  static Manifest manifest() {
    Map<String, Long> reasons = new LinkedHashMap<>();
    reasons.put("invalid JSON", 2L);
    reasons.put("duplicate id", 1L);
    Manifest.Counts counts = new Manifest.Counts(1003, 990, 10, 3, reasons, 990, 123_456, true);
    Map<String, StageStats> stages = new LinkedHashMap<>();
    stages.put(
        "ingest",
        StageStats.of(
                1000,
                new IngestDetails(
                    1003,
                    1000,
                    3,
                    reasons,
                    123_456,
                    new UnicodeTokenizer(false).describe(),
                    "one pass: no id repeats",
                    null))
            .withSeconds(4.5));
    stages.put("commonness", StageStats.of(1000, Map.of("mode", "exact")).withSeconds(12.25));
    DomainStats web = new DomainStats(HOSTILE, 600, 80_000, 500, 400, 50_000, null, 1, null, null);
    DomainStats code = new DomainStats("code", 390, 43_456, 490, 590, 73_456, null, 1, null, null);
    ShardSets.SetResult set =
        new ShardSets.SetResult(
            "shards",
            "shards",
            0,
            Map.of("commonness", "weight_commonness"),
            1,
            null,
            null,
            null,
            990,
            990,
            123_456,
            10,
            null,
            null,
            "rows",
            500,
            2,
            new WeightStats(null, null, null, null, 1.0, null, null),
            List.of(web, code));
    List<ShardSets.ShardInfo> shards =
        List.of(
            new ShardSets.ShardInfo("shards/part-00000-of-00002.parquet", 500, 60_000, 480, "ab"),
            new ShardSets.ShardInfo("shards/part-00001-of-00002.parquet", 490, 63_456, 510, "cd"));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("stages", List.of("commonness"));
    config.put("sampler.domain-targets", HOSTILE);
    return new Manifest(
        "1.0",
        "4.0.1",
        "weighted",
        config,
        new Manifest.Input("/data/<in>", "jsonl", 2, 999, "f"),
        counts,
        stages,
        List.of(set),
        shards,
        20.5,
        null,
        null);
  }

  static ReportData data() {
    return data(manifest());
  }

  static ReportData data(Manifest manifest) {
    ReportData.Doc doc =
        new ReportData.Doc(HOSTILE, HOSTILE, 12, 0.25, java.util.Arrays.asList(0.5, null), HOSTILE);
    return new ReportData(
        manifest,
        List.of(
            new ReportData.Histogram(
                "hist-weight",
                "Final weight",
                new Axis("weight", -1, 1, true),
                new long[] {1, 2, 3},
                6)),
        List.of(),
        List.of("commonness", "weight_commonness"),
        List.of(doc),
        List.of(doc),
        List.of(
            new ReportData.RejectExample("invalid JSON", "file:/in/a.jsonl", 7L, null, HOSTILE)),
        List.of(new ReportData.Group(HOSTILE, 3, 0.5)),
        List.of("ingest", "commonness", "sampler"),
        1,
        1234,
        List.of(),
        List.of());
  }

  @Test
  void aRunsReportEqualsTheReportOfItsManifestReadBack() throws Exception {
    Manifest m = manifest();
    Manifest back = OutputDir.JSON.readValue(OutputDir.JSON.writeValueAsString(m), Manifest.class);
    assertEquals(
        m.stages().get("ingest").details(IngestDetails.class),
        back.stages().get("ingest").details(IngestDetails.class));
    assertEquals(ReportHtml.render(data(m)), ReportHtml.render(data(back)));
  }

  @Test
  void hostileTextIsEscapedEverywhereAndNoScriptCanRun() {
    String html = ReportHtml.render(data());
    assertFalse(html.contains("<script"), "no script element, from data or otherwise");
    assertFalse(html.contains("<img"), "no img element from data");
    assertFalse(html.contains("onerror=\""), "no event handler attribute");
    assertTrue(
        html.contains("&lt;script&gt;document.documentElement.setAttribute(&#39;data-xss&#39;"));
    assertTrue(html.contains("&quot;&#39;&amp;"));
    assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assertFalse(html.contains("http://") && !html.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assertFalse(html.matches("(?s).*(src|href)=\"https?:.*"), "nothing loaded from the network");
  }

  @Test
  void countsStagesAndConfigEqualTheManifest() {
    Manifest m = manifest();
    String html = ReportHtml.render(data());
    Map<String, String> cells = cells(html);
    assertEquals(String.valueOf(m.counts().inputRows()), cells.get("input_rows"));
    assertEquals(String.valueOf(m.counts().outputRows()), cells.get("output_rows"));
    assertEquals(String.valueOf(m.counts().unsampledRows()), cells.get("unsampled_rows"));
    assertEquals(String.valueOf(m.counts().rejectedRows()), cells.get("rejected_rows"));
    assertEquals(String.valueOf(m.counts().outputTokens()), cells.get("output_tokens"));
    assertEquals("true", cells.get("accounting_ok"));
    assertEquals("2", cells.get("invalid JSON"), "rejects by reason");
    assertEquals("1000", cells.get("commonness"), "stage rows");
    for (String id :
        List.of("hist-weight", "domains-shards", "stage-timings", "docs-lowest", "docs-highest")) {
      assertTrue(html.contains("id=\"" + id + "\""), id);
    }
    assertFalse(html.contains("id=\"ties-lowest\""), "one document at the lowest weight");
    assertTrue(html.contains("1,234 documents share the weight 0.2500"), "ties at the highest");
    // the domain chart: web has 600 of 990 documents = 60.6%
    assertTrue(html.contains("% of documents: 60.6</title>"), html);
  }

  @Test
  void trainingOutcomeSectionShowsEveryArmAndItsCurvesOrSaysItWasNotMeasured() {
    assertTrue(ReportHtml.render(data()).contains("Not measured. <code>reweigh evaluate"));
    var weightedRatio = new EvaluationSummary.Ratio(0.819, 0.80, 0.84, "better");
    var e =
        new EvaluationSummary(
            HOSTILE,
            new EvaluationSummary.HeldOut(
                70, 2, 3, List.of(HOSTILE), 65, 5_000, 40, 160, 4_800, 0, List.of("web", HOSTILE)),
            "shards",
            120,
            8,
            32,
            30_720,
            List.of(0L, 1L, 2L),
            "a small model",
            "uniform",
            List.of(
                new EvaluationSummary.Arm(
                    "uniform",
                    HOSTILE,
                    1000,
                    148.4,
                    new EvaluationSummary.Ratio(1, 1, 1, "baseline"),
                    new EvaluationSummary.Ratio(1, 1, 1, "baseline"),
                    3,
                    List.of(
                        new EvaluationSummary.Domain(
                            "web", 150, new EvaluationSummary.Ratio(1, 1, 1, "baseline")),
                        new EvaluationSummary.Domain(
                            HOSTILE, 140, new EvaluationSummary.Ratio(1, 1, 1, "baseline"))),
                    List.of()),
                new EvaluationSummary.Arm(
                    "weighted",
                    "shards ∝ weight",
                    990,
                    121.5,
                    weightedRatio,
                    null,
                    1,
                    List.of(
                        new EvaluationSummary.Domain("web", 120, weightedRatio),
                        new EvaluationSummary.Domain(
                            HOSTILE,
                            139,
                            new EvaluationSummary.Ratio(
                                0.99, 0.95, 1.03, "no measurable difference"))),
                    List.of())),
            "evaluation/curves.csv",
            12.5);
    ReportData d = data();
    ReportData with =
        new ReportData(
            d.manifest().withEvaluation(e),
            d.histograms(),
            d.scatters(),
            d.docColumns(),
            d.lowest(),
            d.highest(),
            d.rejectExamples(),
            d.labels(),
            d.stageOrder(),
            d.lowestTies(),
            d.highestTies(),
            List.of(
                new ReportData.Curve(
                    "uniform", new double[] {0, 60, 120}, new double[] {1024, 300, 148.4}),
                new ReportData.Curve(
                    "weighted", new double[] {0, 60, 120}, new double[] {1024, 250, 121.5})),
            List.of());
    String html = ReportHtml.render(with);
    // from step 24 (a fifth of 120): two points per arm, 121.5 to 300 on a linear axis
    assertTrue(html.contains("From step 24 "), "the warm-up is left out of the chart");
    assertTrue(html.contains("id=\"evaluation-curves\""));
    assertEquals(2, html.split("<polyline").length - 1, "one line per arm");
    assertEquals(4, html.split("<circle").length - 1, "steps 60 and 120 of each arm");
    assertTrue(html.contains("data-arm=\"uniform\""));
    assertTrue(
        html.contains(
            "<td>121.500</td><td>0.819 [0.800, 0.840]</td><td class=\"l\">better</td>"
                + "<td>not reached at 2 of 3 seeds</td>"),
        html);
    assertTrue(html.contains("data-verdict=\"better\""));
    // per held-out domain, the domain name escaped and cut to a table cell's length
    assertTrue(html.contains("id=\"evaluation-domains\""));
    assertTrue(html.contains("139.00 (× 0.990 [0.950, 1.030], no measurable difference)"), html);
    assertFalse(html.contains(HOSTILE), "a hostile domain name is escaped");
    assertTrue(html.contains("3 held-out documents also in the training input"));
    assertFalse(html.contains("<script"));
    assertFalse(html.contains("Not measured"));
  }

  @Test
  void tuningSectionShowsTheVerdictMixtureCandidatesAndCurvesOrSaysItWasNotRun() {
    assertTrue(ReportHtml.render(data()).contains("Not tuned. <code>reweigh tune"));
    var baseline = new EvaluationSummary.Ratio(1, 1, 1, "baseline");
    var better = new EvaluationSummary.Ratio(0.9, 0.88, 0.92, "better");
    var held =
        new EvaluationSummary.HeldOut(40, 0, 0, List.of(), 40, 9_000, 30, 60, 4_000, 0, List.of());
    var arm =
        new EvaluationSummary.Arm(HOSTILE, "x", 10, 90, better, better, 3, List.of(), List.of());
    var uniform =
        new EvaluationSummary.Arm(
            "uniform", "x", 10, 100, baseline, baseline, 3, List.of(), List.of());
    var t =
        new TuningSummary(
            HOSTILE,
            held,
            held,
            new TuningSummary.Mixture(
                List.of("web", HOSTILE),
                List.of(0.7, 0.3),
                List.of(0.4, 0.6),
                List.of(0.39, 0.61),
                List.of(0.1, 0.2),
                400,
                1.0,
                1e-3,
                "tuning/doremi.csv"),
            null,
            new TuningSummary.Search(List.of(100, 200, 400), List.of(4, 2, 2), 2, 6),
            List.of(
                new TuningSummary.CandidateResult(
                    "uniform", Map.of("commonness", 0.0), null, List.of(5.0), false),
                new TuningSummary.CandidateResult(
                    HOSTILE,
                    Map.of("commonness", 1.0),
                    Map.of("web", 0.4),
                    List.of(4.9, 4.5, 4.4),
                    true)),
            HOSTILE,
            List.of(uniform, arm),
            "The choice is better " + HOSTILE,
            "tuning/tuned.conf",
            Map.of("ingest", "f"),
            12.5,
            100);
    ReportData d = data();
    ReportData with =
        new ReportData(
            d.manifest().withTuning(t),
            d.histograms(),
            d.scatters(),
            d.docColumns(),
            d.lowest(),
            d.highest(),
            d.rejectExamples(),
            d.labels(),
            d.stageOrder(),
            d.lowestTies(),
            d.highestTies(),
            List.of(),
            List.of(
                new ReportData.Curve(
                    HOSTILE, new double[] {0, 100, 200, 400}, new double[] {1000, 200, 110, 90}),
                new ReportData.Curve("uniform", new double[] {0, 100}, new double[] {1000, 150})));
    String html = ReportHtml.render(with);
    for (String id :
        List.of(
            "tuning-verdict",
            "tuning-mixture",
            "tuning-candidates",
            "tuning-report",
            "tuning-curves")) {
      assertTrue(html.contains("id=\"" + id + "\""), id);
    }
    assertTrue(html.contains("(chosen)"));
    assertTrue(html.contains("<td>0.700</td><td>0.400</td>"), "current and learned shares");
    assertTrue(html.contains("<td>148.41</td><td>–</td><td>–</td>"), "uniform stopped at rung 1");
    assertTrue(html.contains("× uniform 0.900 [0.880, 0.920] (better)"), html);
    assertFalse(html.contains(HOSTILE), "every name escaped");
    assertFalse(html.contains("Not tuned"));
  }

  /** data-key → the second cell of its row. */
  public static Map<String, String> cells(String html) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("<tr data-key=\"([^\"]*)\"><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td>")
            .matcher(html);
    while (m.find()) {
      out.putIfAbsent(m.group(1), m.group(2));
    }
    return out;
  }
}
