package io.reweigh.jobs.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.config.EvaluateKeys;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.jobs.evaluate.EvaluationTable;
import io.reweigh.jobs.manifest.EvaluationSummary;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.manifest.TuningSummary;
import io.reweigh.jobs.stage.OutputDir;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code reweigh tune} writes under OUT/tuning/ (docs/tuning.md, "What it writes"):
 * tuned.conf, candidates.csv, curves.csv, doremi.csv and summary.json.
 */
final class TuneFiles {
  private TuneFiles() {}

  static final String TUNED_CONF = "tuned.conf";
  static final String CANDIDATES = "candidates.csv";
  static final String CURVES = "curves.csv";
  static final String DOREMI = "doremi.csv";
  static final String SUMMARY = "summary.json";

  private static final ObjectMapper FLAT = new ObjectMapper();

  /** Keys tuned.conf sets itself, or that are not the run's (evaluate.*, tune.*). */
  static boolean tunedOrNotTheRuns(String key) {
    return key.startsWith("sampler.alpha.")
        || key.equals(Keys.SAMPLER_DOMAIN_TARGETS.key())
        || key.equals(Keys.SAMPLER_DOMAIN_SHARE_OF.key())
        || key.startsWith("evaluate.")
        || key.startsWith("tune.");
  }

  static String json(Object v) {
    try {
      return FLAT.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * tuned.conf: the run's own settings (every recorded key that differs from its default), then the
   * chosen exponents and mixture. Applying it changes only sampler keys, so every committed stage's
   * fingerprint stays the same and only the sampler reruns.
   */
  static String tunedConf(
      Manifest manifest, ResolvedConfig cfg, TuningSummary summary, Candidate chosen) {
    StringBuilder sb = new StringBuilder();
    sb.append("# reweigh tune: the candidate \"")
        .append(chosen.name())
        .append("\", chosen on the tuning half of ")
        .append(summary.eval())
        .append(" (docs/tuning.md).\n# ")
        .append(summary.verdict().replace("\n", "\n# "))
        .append("\n# Apply it (every committed stage is reused; only the sampler reruns):\n")
        .append("#   reweigh run --input ")
        .append(manifest.input().path())
        .append(" --output OUT -c OUT/tuning/tuned.conf\n\n# the run's own settings\n");
    Map<String, Object> defaults = ResolvedConfig.defaults().asMap();
    manifest
        .config()
        .forEach(
            (k, v) -> {
              if (!tunedOrNotTheRuns(k) && v != null && !json(v).equals(json(defaults.get(k)))) {
                sb.append(k).append(" = ").append(json(v)).append('\n');
              }
            });
    sb.append("\n# tuned\n");
    chosen
        .alphas()
        .forEach((s, a) -> sb.append(Keys.alpha(s).key()).append(" = ").append(a).append('\n'));
    if (chosen.mixture() != null) {
      sb.append(Keys.SAMPLER_DOMAIN_TARGETS.key())
          .append(" = ")
          .append(json(chosen.mixture()))
          .append('\n')
          .append(Keys.SAMPLER_DOMAIN_SHARE_OF.key())
          .append(" = tokens\n");
    } else if (chosen.name().equals(Candidate.CURRENT)) {
      for (var key :
          List.of(Keys.SAMPLER_DOMAIN_TARGETS.key(), Keys.SAMPLER_DOMAIN_SHARE_OF.key())) {
        Object v = cfg.asMap().get(key);
        if (v != null && !json(v).equals(json(defaults.get(key)))) {
          sb.append(key).append(" = ").append(json(v)).append('\n');
        }
      }
    }
    return sb.toString();
  }

  /** One plain sentence: the choice against uniform on the reporting half. */
  static String verdict(Candidate chosen, List<EvaluationSummary.Arm> report) {
    if (chosen.isUniform()) {
      return "No candidate beat uniform on the tuning half: tuned.conf sets every exponent to 0"
          + " and no domain mixture (every document alike).";
    }
    EvaluationSummary.Arm a = report.get(1);
    EvaluationSummary.Ratio r = a.perplexityRatio();
    String ratio = "held-out perplexity × " + EvaluationTable.ratio(r) + " of uniform's";
    return switch (r.verdict()) {
      case "better" ->
          "The choice, "
              + chosen.name()
              + ", is better than uniform on the reporting half: "
              + ratio
              + ".";
      case "worse" ->
          "The choice, "
              + chosen.name()
              + ", is WORSE than uniform on the reporting half: "
              + ratio
              + ". The tuning half misled the search; keep uniform weights rather than apply"
              + " tuned.conf.";
      case "no measurable difference" ->
          "The choice, "
              + chosen.name()
              + ", is not better than uniform on the reporting half: "
              + ratio
              + ", no measurable difference.";
      default ->
          "The choice, "
              + chosen.name()
              + ", against uniform on the reporting half: "
              + ratio
              + " ("
              + r.verdict()
              + ").";
    };
  }

  static TuningSummary.Mixture mixture(LearnedMixture.Result learned, ResolvedConfig cfg) {
    List<String> domains = new ArrayList<>(learned.shares().keySet());
    List<Double> current = new ArrayList<>();
    domains.forEach(d -> current.add(learned.current().getOrDefault(d, 0.0)));
    List<double[]> alphas = learned.doremi().alphas();
    List<double[]> excess = learned.doremi().excesses();
    return new TuningSummary.Mixture(
        domains,
        current,
        new ArrayList<>(learned.shares().values()),
        box(alphas.get(alphas.size() - 1)),
        excess.isEmpty() ? List.of() : box(excess.get(excess.size() - 1)),
        learned.steps(),
        cfg.get(EvaluateKeys.TUNE_DOREMI_ETA),
        cfg.get(EvaluateKeys.TUNE_DOREMI_EPSILON),
        Tune.DIR + "/" + DOREMI);
  }

  private static List<Double> box(double[] a) {
    List<Double> out = new ArrayList<>();
    for (double x : a) {
      out.add(x);
    }
    return out;
  }

  static void write(
      OutputDir out,
      Manifest manifest,
      ResolvedConfig cfg,
      TuningSummary summary,
      Candidate chosen,
      LearnedMixture.Result learned,
      TuneSearch search,
      List<Candidate> candidates) {
    put(out, TUNED_CONF, tunedConf(manifest, cfg, summary, chosen));
    StringBuilder c =
        new StringBuilder("candidate,rung,steps,mean_tuning_loss,mean_tuning_perplexity,chosen\n");
    for (TuningSummary.CandidateResult r : summary.candidates()) {
      for (int k = 0; k < r.rungLoss().size(); k++) {
        c.append(csv(r.name()))
            .append(',')
            .append(k)
            .append(',')
            .append(summary.search().rungSteps().get(k))
            .append(',')
            .append(
                String.format(
                    Locale.ROOT, "%.6f,%.4f", r.rungLoss().get(k), Math.exp(r.rungLoss().get(k))))
            .append(',')
            .append(r.chosen())
            .append('\n');
      }
    }
    put(out, CANDIDATES, c.toString());
    StringBuilder cv = new StringBuilder("candidate,seed,step,tuning_loss,reporting_loss\n");
    search.curves.forEach(
        (key, halves) -> {
          List<Evaluation.Point> t = halves.get(0).points();
          List<Evaluation.Point> r = halves.get(1).points();
          for (int i = 0; i < t.size(); i++) {
            cv.append(csv(candidates.get(key.candidate()).name()))
                .append(',')
                .append(key.seed())
                .append(',')
                .append(t.get(i).step())
                .append(',')
                .append(
                    String.format(
                        Locale.ROOT, "%.6f,%.6f", t.get(i).evalLoss(), r.get(i).evalLoss()))
                .append('\n');
          }
        });
    put(out, CURVES, cv.toString());
    if (learned != null) {
      StringBuilder d = new StringBuilder("step,domain,alpha,excess_loss\n");
      List<double[]> alphas = learned.doremi().alphas();
      List<double[]> excess = learned.doremi().excesses();
      List<String> domains = new ArrayList<>(learned.shares().keySet());
      for (int step = 0; step < alphas.size(); step++) {
        for (int k = 0; k < domains.size(); k++) {
          d.append(step)
              .append(',')
              .append(csv(domains.get(k)))
              .append(',')
              .append(String.format(Locale.ROOT, "%.6f", alphas.get(step)[k]))
              .append(',')
              .append(step == 0 ? "" : String.format(Locale.ROOT, "%.6f", excess.get(step - 1)[k]))
              .append('\n');
        }
      }
      put(out, DOREMI, d.toString());
    }
    out.writeJsonAtomically(out.resolve(Tune.DIR + "/" + SUMMARY), summary);
  }

  private static void put(OutputDir out, String name, String content) {
    out.writeAtomically(
        out.resolve(Tune.DIR + "/" + name), content.getBytes(StandardCharsets.UTF_8));
  }

  private static String csv(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
