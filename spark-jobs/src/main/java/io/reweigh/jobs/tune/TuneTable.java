package io.reweigh.jobs.tune;

import io.reweigh.jobs.evaluate.EvaluationTable;
import io.reweigh.jobs.manifest.EvaluationSummary;
import io.reweigh.jobs.manifest.TuningSummary;
import io.reweigh.jobs.stage.OutputDir;
import java.util.Locale;
import java.util.stream.Collectors;

/** The tuning summary as {@code reweigh tune} prints it (docs/tuning.md shows an example). */
public final class TuneTable {
  private TuneTable() {}

  private static void mixture(StringBuilder sb, TuningSummary t) {
    TuningSummary.Mixture m = t.mixture();
    if (m == null) {
      sb.append("  mixture    not learned: ").append(t.mixtureSkipped()).append('\n');
      return;
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  mixture    DoReMi over %d domains (%d steps, η %s, ε %s), shares of the tokens:%n"
                + "             %-24s %9s %9s%n",
            m.domains().size(),
            m.steps(),
            m.eta(),
            m.epsilon(),
            "domain",
            "now",
            "learned"));
    for (int i = 0; i < m.domains().size(); i++) {
      sb.append(
          String.format(
              Locale.ROOT,
              "             %-24s %9.3f %9.3f%n",
              EvaluationTable.clip(m.domains().get(i), 24),
              m.current().get(i),
              m.learned().get(i)));
    }
  }

  public static String of(TuningSummary t, OutputDir out) {
    StringBuilder sb = new StringBuilder();
    EvaluationSummary.HeldOut a = t.tuningHalf();
    EvaluationSummary.HeldOut b = t.reportingHalf();
    sb.append(String.format(Locale.ROOT, "%ntuning of %s on %s%n", out.root(), t.eval()))
        .append(
            String.format(
                Locale.ROOT,
                "  halves     tuning: %,d documents, %,d tokens scored; reporting: %,d documents,"
                    + " %,d tokens scored (split by a seeded hash of id)%n",
                a.documents(),
                a.sampledTokens(),
                b.documents(),
                b.sampledTokens()));
    mixture(sb, t);
    TuningSummary.Search s = t.search();
    sb.append(
        String.format(
            Locale.ROOT,
            "  search     %d candidates, rungs at %s steps (%s candidates), %d seed(s) each: %.2f"
                + " full-length runs%n",
            t.candidates().size(),
            s.rungSteps().stream().map(String::valueOf).collect(Collectors.joining("/")),
            s.survivors().stream().map(String::valueOf).collect(Collectors.joining(" → ")),
            s.seeds(),
            s.runs()));
    sb.append(
        String.format(Locale.ROOT, "  %-44s %s%n", "candidate", "tuning-half perplexity per rung"));
    for (TuningSummary.CandidateResult c : t.candidates()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-44s %s%s%n",
              EvaluationTable.clip(c.name(), 44),
              c.rungLoss().stream()
                  .map(l -> String.format(Locale.ROOT, "%9.2f", Math.exp(l)))
                  .collect(Collectors.joining()),
              c.chosen() ? "   ← chosen" : ""));
    }
    if (t.report().size() > 1) {
      EvaluationSummary.Arm r = t.report().get(1);
      sb.append(
          String.format(
              Locale.ROOT,
              "  report     reporting half, %d seeds: perplexity %.3f vs uniform's %.3f, × %s (%s);"
                  + " steps to uniform's perplexity × %s%n",
              r.runs().size(),
              r.finalPerplexity(),
              t.report().get(0).finalPerplexity(),
              EvaluationTable.ratio(r.perplexityRatio()),
              r.perplexityRatio().verdict(),
              EvaluationTable.steps(r, r.runs().size())));
    }
    sb.append("  verdict    ").append(t.verdict()).append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "  tuned.conf %s/%s%n  apply      reweigh run --input … --output %s -c %s/%s%n"
                + "  cost       %.2f full-length training runs, %.1f s%n",
            out.root(),
            t.tunedConf(),
            out.root(),
            out.root(),
            t.tunedConf(),
            t.runs(),
            t.seconds()));
    return sb.toString();
  }
}
