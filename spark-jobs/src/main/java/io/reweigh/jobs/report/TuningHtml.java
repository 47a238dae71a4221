package io.reweigh.jobs.report;

import io.reweigh.jobs.evaluate.EvaluationTable;
import io.reweigh.jobs.manifest.EvaluationSummary;
import io.reweigh.jobs.manifest.TuningSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** report.html's "Tuning" section: what {@code reweigh tune} chose and why (docs/tuning.md). */
final class TuningHtml {
  private TuningHtml() {}

  static void section(StringBuilder h, TuningSummary t, List<ReportData.Curve> curves) {
    h.append("<h2 id=\"tuning\">Tuning</h2>");
    if (t == null) {
      h.append(
          "<p class=\"note\">Not tuned. <code>reweigh tune OUT --eval HELD_OUT</code> learns a"
              + " domain mixture (DoReMi) and the signals' exponents on half of your held-out"
              + " text, reports the choice against uniform on the other half and writes"
              + " tuning/tuned.conf (docs/tuning.md).</p>");
      return;
    }
    h.append("<p id=\"tuning-verdict\"><b>")
        .append(Html.esc(t.verdict()))
        .append("</b> Held out: <code>")
        .append(Html.esc(t.eval()))
        .append("</code>, split by a seeded hash of id: ")
        .append(
            String.format(
                Locale.ROOT,
                "%,d documents to choose on, %,d to report on.",
                t.tuningHalf().documents(),
                t.reportingHalf().documents()))
        .append(" Apply the choice: <code>reweigh run … -c ")
        .append(Html.esc(t.tunedConf()))
        .append("</code> (only the sampler reruns).</p>");
    mixture(h, t);
    TuningSummary.Search s = t.search();
    h.append(
            String.format(
                Locale.ROOT,
                "<p class=\"note\">Successive halving: rungs at %s steps with %s candidates, %d"
                    + " seed(s) each (%.2f full-length runs); tuning-half perplexity at each rung"
                    + " reached.</p>",
                s.rungSteps().stream().map(String::valueOf).collect(Collectors.joining(", ")),
                s.survivors().stream().map(String::valueOf).collect(Collectors.joining(" → ")),
                s.seeds(),
                s.runs()))
        .append("<table id=\"tuning-candidates\"><tr><th class=\"l\">candidate</th>");
    for (int step : s.rungSteps()) {
      h.append("<th>step ").append(step).append("</th>");
    }
    h.append("</tr>");
    for (TuningSummary.CandidateResult c : t.candidates()) {
      h.append("<tr data-candidate=\"")
          .append(Html.esc(c.name()))
          .append(c.chosen() ? "\" class=\"chosen\"" : "\"")
          .append("><td class=\"l\">")
          .append(Html.esc(Html.clip(c.name())))
          .append(c.chosen() ? " (chosen)" : "")
          .append("</td>");
      for (int k = 0; k < s.rungSteps().size(); k++) {
        h.append("<td>")
            .append(
                k < c.rungLoss().size()
                    ? String.format(Locale.ROOT, "%.2f", Math.exp(c.rungLoss().get(k)))
                    : "–")
            .append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>");
    if (t.report().size() > 1) {
      EvaluationSummary.Arm r = t.report().get(1);
      h.append("<p id=\"tuning-report\">Reporting half, ")
          .append(r.runs().size())
          .append(" seeds: held-out perplexity × uniform ")
          .append(Html.esc(EvaluationTable.ratio(r.perplexityRatio())))
          .append(" (")
          .append(Html.esc(r.perplexityRatio().verdict()))
          .append("), steps to uniform's perplexity × ")
          .append(Html.esc(EvaluationTable.steps(r, r.runs().size())))
          .append(".</p>");
    }
    chart(h, s, curves);
  }

  private static void mixture(StringBuilder h, TuningSummary t) {
    TuningSummary.Mixture m = t.mixture();
    if (m == null) {
      h.append("<p class=\"note\">No domain mixture was learned: ")
          .append(Html.esc(t.mixtureSkipped()))
          .append(".</p>");
      return;
    }
    h.append(
            String.format(
                Locale.ROOT,
                "<p class=\"note\">DoReMi (%d steps, η %s, ε %s): the domains' shares of the"
                    + " training tokens under the run's weights and as learned.</p>",
                m.steps(),
                m.eta(),
                m.epsilon()))
        .append("<table id=\"tuning-mixture\"><tr><th class=\"l\">domain</th><th>now</th>")
        .append("<th>learned</th></tr>");
    for (int i = 0; i < m.domains().size(); i++) {
      h.append("<tr><td class=\"l\">")
          .append(Html.esc(Html.clip(m.domains().get(i))))
          .append(
              String.format(
                  Locale.ROOT,
                  "</td><td>%.3f</td><td>%.3f</td></tr>",
                  m.current().get(i),
                  m.learned().get(i)));
    }
    h.append("</table>");
  }

  /** Tuning-half perplexity per candidate against steps (mean loss over its seeds). */
  private static void chart(
      StringBuilder h, TuningSummary.Search s, List<ReportData.Curve> curves) {
    if (curves.isEmpty()) {
      return;
    }
    int steps = s.rungSteps().get(s.rungSteps().size() - 1);
    double from = steps / 5.0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    List<String> names = new ArrayList<>();
    List<double[]> xs = new ArrayList<>();
    List<double[]> ys = new ArrayList<>();
    for (ReportData.Curve c : curves) {
      List<double[]> kept = new ArrayList<>();
      for (int i = 0; i < c.steps().length; i++) {
        if (c.steps()[i] >= from) {
          kept.add(new double[] {c.steps()[i], Math.log10(c.perplexity()[i])});
          lo = Math.min(lo, Math.log10(c.perplexity()[i]));
          hi = Math.max(hi, Math.log10(c.perplexity()[i]));
        }
      }
      names.add(Html.clip(c.arm()));
      xs.add(kept.stream().mapToDouble(p -> p[0]).toArray());
      ys.add(kept.stream().mapToDouble(p -> p[1]).toArray());
    }
    if (!(hi >= lo)) {
      return;
    }
    double pad = Math.max(1e-3, (hi - lo) * 0.05);
    h.append(
        Charts.lines(
            "tuning-curves",
            "Tuning-half perplexity per candidate",
            new Axis("training step", Math.floor(from), steps, false),
            new Axis("held-out perplexity", lo - pad, hi + pad, true),
            names,
            xs,
            ys));
  }
}
