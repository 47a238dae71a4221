package io.reweigh.jobs.evaluate;

import io.reweigh.core.Columns;
import io.reweigh.jobs.manifest.EvaluationSummary;
import io.reweigh.jobs.stage.OutputDir;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The summary as {@code reweigh evaluate} prints it (docs/evaluation.md shows an example). */
public final class EvaluationTable {
  private EvaluationTable() {}

  /** "0.975 [0.962, 0.988]", or "1.000" for the baseline. */
  public static String ratio(EvaluationSummary.Ratio r) {
    if (r.verdict().equals(ArmResults.BASELINE) || r.low() == r.high()) {
      return String.format(Locale.ROOT, "%.3f", r.mean());
    }
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", r.mean(), r.low(), r.high());
  }

  /** The steps ratio with its verdict, or why there is none. */
  public static String steps(EvaluationSummary.Arm a, int seeds) {
    if (a.stepsRatio() == null) {
      return a.stepsReached() == 0
          ? "not reached"
          : String.format(
              Locale.ROOT, "not reached at %d of %d seeds", seeds - a.stepsReached(), seeds);
    }
    return ratio(a.stepsRatio())
        + (a.stepsRatio().verdict().equals(ArmResults.BASELINE)
            ? ""
            : " " + a.stepsRatio().verdict());
  }

  public static String of(EvaluationSummary e, OutputDir out) {
    EvaluationSummary.HeldOut h = e.heldOut();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nevaluation of %s%n  held-out   %s: %,d documents, %,d tokens (%,d leaked from the"
                + " training input and left out%s; %,d rows rejected); scored: %,d tokens in %,d"
                + " windows of %,d documents, sampled across the whole set (seed %d)%n"
                + "  model      %s%n"
                + "  budget     %,d steps × %d windows × %d tokens = %,d tokens per arm and seed;"
                + " seeds %s%n%n",
            out.root(),
            e.eval(),
            h.documents(),
            h.tokens(),
            h.leakedDocuments(),
            h.leakedExamples().isEmpty() ? "" : ": " + String.join(", ", h.leakedExamples()),
            h.rejectedRows(),
            h.sampledTokens(),
            h.sampledWindows(),
            h.sampledDocuments(),
            h.sampleSeed(),
            e.model(),
            e.steps(),
            e.batch(),
            e.context(),
            e.budgetTokens(),
            e.seeds().stream().map(String::valueOf).collect(Collectors.joining(", "))));
    int n = e.seeds().size();
    String format = "  %-12s %11s  %-24s %-26s %-36s %s%n";
    sb.append(
        String.format(
            Locale.ROOT,
            format,
            "arm",
            "perplexity",
            "× uniform [95%]",
            "verdict",
            "steps to uniform's ppl × uniform",
            "drawn from"));
    for (EvaluationSummary.Arm a : e.arms()) {
      sb.append(
          String.format(
              Locale.ROOT,
              format,
              a.name(),
              String.format(Locale.ROOT, "%.3f", a.finalPerplexity()),
              ratio(a.perplexityRatio()),
              a.perplexityRatio().verdict(),
              steps(a, n),
              a.drawnFrom()));
    }
    if (n == 1) {
      sb.append(
          "\n  one seed: these numbers have no interval and are not a verdict"
              + " (evaluate.seeds ≥ 2; default 3)\n");
    }
    domains(sb, e);
    sb.append(
        String.format(
            Locale.ROOT,
            "%n  curves     %s/%s%n  report     %s/%s%n",
            out.root(),
            e.curves(),
            out.root(),
            Columns.REPORT));
    return sb.toString();
  }

  /** Per held-out domain: each arm's perplexity and ratio with its verdict. */
  private static void domains(StringBuilder sb, EvaluationSummary e) {
    List<String> domains = e.heldOut().domains();
    if (domains.isEmpty()) {
      return;
    }
    sb.append("\n  per held-out domain: perplexity, and × uniform [95%] with its verdict\n");
    for (int g = 0; g < domains.size(); g++) {
      sb.append(String.format(Locale.ROOT, "  %-20s", clip(domains.get(g), 20)));
      for (EvaluationSummary.Arm a : e.arms()) {
        EvaluationSummary.Domain d = a.domains().get(g);
        sb.append(
            String.format(
                Locale.ROOT,
                "  %s %.2f%s",
                a.name(),
                d.perplexity(),
                d.ratio().verdict().equals(ArmResults.BASELINE)
                    ? ""
                    : " × " + ratio(d.ratio()) + " " + d.ratio().verdict()));
      }
      sb.append('\n');
    }
  }

  /** At most {@code max} characters, an ellipsis marking a cut. */
  public static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
