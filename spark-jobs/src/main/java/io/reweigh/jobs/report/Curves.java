package io.reweigh.jobs.report;

import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.stage.OutputDir;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/** Perplexity curves of report.html from the curves CSVs of reweigh evaluate and reweigh tune. */
final class Curves {
  private Curves() {}

  /**
   * evaluation/curves.csv as one curve per arm (empty when the output was not evaluated): at each
   * step the perplexity of the arm's mean held-out loss over its seeds.
   */
  static List<ReportData.Curve> evaluation(OutputDir out, Manifest manifest) {
    if (manifest.evaluation() == null) {
      return List.of();
    }
    Path p = out.resolve(manifest.evaluation().curves());
    return mean(out, p.getParent(), p.getName(), "arm", "eval_loss");
  }

  /**
   * tuning/curves.csv as one curve per candidate (empty when the output was not tuned): at each
   * step the perplexity of the candidate's mean tuning-half loss.
   */
  static List<ReportData.Curve> tuning(OutputDir out, Manifest manifest) {
    if (manifest.tuning() == null) {
      return List.of();
    }
    Path dir = out.resolve(manifest.tuning().tunedConf()).getParent();
    return mean(out, dir, "curves.csv", "candidate", "tuning_loss");
  }

  /**
   * A curves CSV (header named columns {@code name}, step, {@code loss}) as one curve per name: at
   * each step the perplexity of the mean loss over the rows (seeds). Empty when the file is gone.
   */
  static List<ReportData.Curve> mean(
      OutputDir out, Path dir, String file, String name, String loss) {
    Path p = new Path(dir, file);
    if (!out.exists(p)) {
      return List.of();
    }
    String[] lines = out.readString(p).split("\n");
    List<String> header = List.of(lines[0].split(","));
    int at = header.indexOf(name);
    int step = header.indexOf("step");
    int value = header.indexOf(loss);
    // name -> step -> (sum of losses, runs)
    Map<String, java.util.TreeMap<Integer, double[]>> byName = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      List<String> f = csvFields(lines[i]);
      if (f.size() != header.size()) {
        continue;
      }
      double[] acc =
          byName
              .computeIfAbsent(f.get(at), k -> new java.util.TreeMap<>())
              .computeIfAbsent(Integer.parseInt(f.get(step)), k -> new double[2]);
      acc[0] += Double.parseDouble(f.get(value));
      acc[1]++;
    }
    List<ReportData.Curve> curves = new ArrayList<>();
    byName.forEach(
        (n, pts) ->
            curves.add(
                new ReportData.Curve(
                    n,
                    pts.keySet().stream().mapToDouble(Integer::doubleValue).toArray(),
                    pts.values().stream().mapToDouble(a -> Math.exp(a[0] / a[1])).toArray())));
    return curves;
  }

  /** The fields of one CSV line (RFC 4180 quotes). */
  static List<String> csvFields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    out.add(f.toString());
    return out;
  }
}
