package io.reweigh.jobs.report;

import io.reweigh.jobs.evaluate.EvaluationTable;
import io.reweigh.jobs.manifest.EvaluationSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** report.html's "Training outcome" section: what {@code reweigh evaluate} measured. */
final class EvaluationHtml {
  private EvaluationHtml() {}

  /** reweigh evaluate's result: a table per arm and held-out perplexity against steps. */
  static void section(StringBuilder h, EvaluationSummary e, List<ReportData.Curve> curves) {
    h.append("<h2 id=\"evaluation\">Training outcome</h2>");
    if (e == null) {
      h.append(
          "<p class=\"note\">Not measured. <code>reweigh evaluate OUT --eval HELD_OUT</code>"
              + " trains the same small LM once per arm (uniform, weighted, …) with the same"
              + " token budget and adds held-out perplexity here (docs/evaluation.md).</p>");
      return;
    }
    if (e.heldOut() == null || e.seeds() == null) {
      h.append(
          "<p class=\"note\">This output was evaluated by an earlier version of reweigh, whose"
              + " single-seed summary this report does not show; rerun <code>reweigh evaluate"
              + "</code> for ratios with intervals (docs/evaluation.md).</p>");
      return;
    }
    EvaluationSummary.HeldOut held = e.heldOut();
    intro(h, e, held);
    arms(h, e);
    domains(h, e, held);
    curves(h, e, curves);
  }

  /** What was trained and held out, and how to read the ratios. */
  private static void intro(StringBuilder h, EvaluationSummary e, EvaluationSummary.HeldOut held) {
    h.append("<p class=\"note\">")
        .append(Html.esc(e.model()))
        .append(
            String.format(
                Locale.ROOT,
                ", trained from scratch once per arm and seed: %,d steps × %d windows × %d tokens"
                    + " = %,d tokens per run; seeds %s. Held out: ",
                e.steps(),
                e.batch(),
                e.context(),
                e.budgetTokens(),
                e.seeds().stream().map(String::valueOf).collect(Collectors.joining(", "))))
        .append("<code>")
        .append(Html.esc(e.eval()))
        .append("</code>")
        .append(
            String.format(
                Locale.ROOT,
                ", %,d documents, %,d tokens, of which %,d tokens in %,d windows of %,d documents"
                    + " were scored (a seeded sample across the whole set); %,d held-out documents"
                    + " also in the training input were left out",
                held.documents(),
                held.tokens(),
                held.sampledTokens(),
                held.sampledWindows(),
                held.sampledDocuments(),
                held.leakedDocuments()))
        .append(
            held.leakedExamples().isEmpty()
                ? ""
                : " (" + Html.esc(String.join(", ", held.leakedExamples())) + ")")
        .append(". Ratios are per seed, then their mean and 95% interval across seeds; a ratio")
        .append(" whose interval holds 1 is no measurable difference. Steps to uniform's")
        .append(" perplexity: the step at which an arm's held-out loss first reached the uniform")
        .append(" arm's final loss (interpolated between measurements).</p>");
  }

  /** The arms' table: final perplexity and steps to uniform's, as ratios with intervals. */
  private static void arms(StringBuilder h, EvaluationSummary e) {
    int seeds = e.seeds().size();
    h.append("<table id=\"evaluation-table\"><tr><th class=\"l\">arm</th>")
        .append("<th class=\"l\">drawn from</th><th>documents</th>")
        .append("<th>final perplexity</th><th>× uniform [95%]</th><th class=\"l\">verdict</th>")
        .append("<th>steps to uniform's perplexity × uniform [95%]</th></tr>");
    for (EvaluationSummary.Arm a : e.arms()) {
      h.append("<tr data-arm=\"")
          .append(Html.esc(a.name()))
          .append("\" data-verdict=\"")
          .append(Html.esc(a.perplexityRatio().verdict()))
          .append("\"><td class=\"l\">")
          .append(Html.esc(a.name()))
          .append("</td><td class=\"l\">")
          .append(Html.esc(a.drawnFrom()))
          .append(
              String.format(
                  Locale.ROOT,
                  "</td><td>%,d</td><td>%.3f</td><td>%s</td><td class=\"l\">%s</td>"
                      + "<td>%s</td></tr>",
                  a.documents(),
                  a.finalPerplexity(),
                  Html.esc(EvaluationTable.ratio(a.perplexityRatio())),
                  Html.esc(a.perplexityRatio().verdict()),
                  Html.esc(EvaluationTable.steps(a, seeds))));
    }
    h.append("</table>");
  }

  /** Held-out perplexity per domain and arm (nothing when the held-out set has no domains). */
  private static void domains(
      StringBuilder h, EvaluationSummary e, EvaluationSummary.HeldOut held) {
    if (!held.domains().isEmpty()) {
      h.append("<table id=\"evaluation-domains\"><tr><th class=\"l\">held-out domain</th>");
      for (EvaluationSummary.Arm a : e.arms()) {
        h.append("<th>").append(Html.esc(a.name())).append("</th>");
      }
      h.append("</tr>");
      for (int g = 0; g < held.domains().size(); g++) {
        h.append("<tr><td class=\"l\">")
            .append(Html.esc(Html.clip(held.domains().get(g))))
            .append("</td>");
        for (EvaluationSummary.Arm a : e.arms()) {
          EvaluationSummary.Domain d = a.domains().get(g);
          h.append(String.format(Locale.ROOT, "<td>%.2f", d.perplexity()));
          if (!d.ratio().verdict().equals("baseline")) {
            h.append(" (× ")
                .append(Html.esc(EvaluationTable.ratio(d.ratio())))
                .append(", ")
                .append(Html.esc(d.ratio().verdict()))
                .append(')');
          }
          h.append("</td>");
        }
        h.append("</tr>");
      }
      h.append("</table>");
    }
  }

  /** Held-out perplexity against steps, after the first fifth of training. */
  private static void curves(StringBuilder h, EvaluationSummary e, List<ReportData.Curve> curves) {
    if (curves.isEmpty()) {
      h.append("<p>evaluation/curves.csv is missing.</p>");
      return;
    }
    // the first fifth of training (untrained model, warm-up: perplexity near the vocabulary size)
    // would flatten the part where arms differ: the chart starts after it, the CSV has every point
    double from = e.steps() / 5.0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    List<String> names = new ArrayList<>();
    List<double[]> xs = new ArrayList<>();
    List<double[]> ys = new ArrayList<>();
    for (ReportData.Curve c : curves) {
      List<double[]> kept = new ArrayList<>();
      for (int i = 0; i < c.steps().length; i++) {
        if (c.steps()[i] >= from) {
          kept.add(new double[] {c.steps()[i], c.perplexity()[i]});
          lo = Math.min(lo, c.perplexity()[i]);
          hi = Math.max(hi, c.perplexity()[i]);
        }
      }
      names.add(c.arm());
      xs.add(kept.stream().mapToDouble(p -> p[0]).toArray());
      ys.add(kept.stream().mapToDouble(p -> p[1]).toArray());
    }
    boolean log = hi / lo > 3;
    if (log) {
      for (double[] y : ys) {
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.log10(y[i]);
        }
      }
      lo = Math.log10(lo);
      hi = Math.log10(hi);
    }
    double pad = (hi - lo) * 0.05;
    h.append(
            Charts.lines(
                "evaluation-curves",
                "Held-out perplexity per arm",
                new Axis("training step", Math.floor(from), e.steps(), false),
                new Axis("held-out perplexity", lo - pad, hi + pad, log),
                names,
                xs,
                ys))
        .append("<p class=\"note\">From step ")
        .append((int) Math.ceil(from))
        .append(" (the untrained model and warm-up are in evaluation/curves.csv).</p>");
  }
}
