package io.reweigh.jobs.evaluate;

import io.reweigh.influence.evaluate.Evaluation;
import java.util.List;
import java.util.Locale;

/**
 * evaluation/curves.csv (one row per arm, seed and measurement) and evaluation/domains.csv (the
 * same per held-out domain, when the held-out set has domains): docs/evaluation.md, "What it
 * writes".
 */
final class EvaluationCsv {
  private EvaluationCsv() {}

  static final String CURVES_HEADER =
      "arm,seed,step,tokens,learning_rate,train_loss,eval_loss,eval_perplexity";
  static final String DOMAINS_HEADER = "arm,seed,step,domain,eval_loss,eval_perplexity";

  static String curves(List<ArmResults.ArmRuns> arms, List<Long> seeds) {
    StringBuilder sb = new StringBuilder(CURVES_HEADER).append('\n');
    for (ArmResults.ArmRuns a : arms) {
      for (int i = 0; i < seeds.size(); i++) {
        for (Evaluation.Point p : a.curves().get(i).points()) {
          sb.append(a.name())
              .append(',')
              .append(seeds.get(i))
              .append(',')
              .append(p.step())
              .append(',')
              .append(p.tokens())
              .append(',')
              .append(String.format(Locale.ROOT, "%.6g", p.learningRate()))
              .append(',')
              .append(
                  Double.isNaN(p.trainLoss())
                      ? ""
                      : String.format(Locale.ROOT, "%.6f", p.trainLoss()))
              .append(',')
              .append(String.format(Locale.ROOT, "%.6f", p.evalLoss()))
              .append(',')
              .append(String.format(Locale.ROOT, "%.4f", p.perplexity()))
              .append('\n');
        }
      }
    }
    return sb.toString();
  }

  static String domains(List<ArmResults.ArmRuns> arms, List<Long> seeds, List<String> domains) {
    StringBuilder sb = new StringBuilder(DOMAINS_HEADER).append('\n');
    for (ArmResults.ArmRuns a : arms) {
      for (int i = 0; i < seeds.size(); i++) {
        for (Evaluation.Point p : a.curves().get(i).points()) {
          for (int g = 0; g < domains.size(); g++) {
            double loss = p.groupLoss().get(g);
            sb.append(a.name())
                .append(',')
                .append(seeds.get(i))
                .append(',')
                .append(p.step())
                .append(',')
                .append(csvField(domains.get(g)))
                .append(',')
                .append(String.format(Locale.ROOT, "%.6f", loss))
                .append(',')
                .append(String.format(Locale.ROOT, "%.4f", Math.exp(loss)))
                .append('\n');
          }
        }
      }
    }
    return sb.toString();
  }

  /** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
  static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
