package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules of docs/architecture.md, checked on the sources: packages without "spark" in
 * their name import no Spark; dedup, influence and sampler never import each other; core imports
 * none of them; in the report package the renderers and the classes that compute the report do not
 * call each other back.
 */
class ArchitectureTest {
  static final Path ROOT = Path.of("..");

  static List<Path> sources(String module) throws IOException {
    Path dir = ROOT.resolve(module).resolve("src/main/java");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  static String pkg(String src) {
    for (String line : src.split("\n")) {
      if (line.startsWith("package ")) {
        return line.substring(8, line.indexOf(';'));
      }
    }
    return "";
  }

  @Test
  void sparkFreeCoresImportNoSpark() throws IOException {
    List<String> bad = new ArrayList<>();
    for (String m : List.of("core", "dedup", "influence", "sampler")) {
      for (Path p : sources(m)) {
        String src = Files.readString(p);
        if (!pkg(src).contains("spark")
            && (src.contains("import org.apache.spark")
                || src.contains("import static org.apache.spark"))) {
          bad.add(p.toString());
        }
      }
    }
    assertEquals(List.of(), bad);
  }

  @Test
  void moduleImportsPointOneWay() throws IOException {
    Map<String, List<String>> forbidden =
        Map.of(
            "core",
                List.of(
                    "io.reweigh.dedup",
                    "io.reweigh.influence",
                    "io.reweigh.sampler",
                    "io.reweigh.jobs"),
            "dedup", List.of("io.reweigh.influence", "io.reweigh.sampler", "io.reweigh.jobs"),
            "influence", List.of("io.reweigh.dedup", "io.reweigh.sampler", "io.reweigh.jobs"),
            "sampler", List.of("io.reweigh.dedup", "io.reweigh.influence", "io.reweigh.jobs"));
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : forbidden.entrySet()) {
      for (Path p : sources(e.getKey())) {
        String src = Files.readString(p);
        for (String f : e.getValue()) {
          if (src.contains("import " + f + ".") || src.contains("import static " + f + ".")) {
            bad.add(p + " imports " + f);
          }
        }
      }
    }
    assertEquals(List.of(), bad);
  }

  @Test
  void benchmarksAndTheSignalRegistryStayOutOfTheShippedCode() throws IOException {
    List<String> bad = new ArrayList<>();
    for (String m : List.of("core", "dedup", "influence", "sampler", "spark-jobs")) {
      for (Path p : sources(m)) {
        String src = Files.readString(p);
        if (pkg(src).contains(".bench")) {
          bad.add(p + ": benchmark code belongs in bench/ (not shipped)");
        }
        if (src.contains(".getDeclaredConstructor().newInstance()")) {
          bad.add(p + ": stages are found by ServiceLoader, not instantiated by class name");
        }
      }
    }
    assertEquals(List.of(), bad);
  }

  @Test
  void reportRenderersAndCollectorsPointOneWay() throws IOException {
    // io.reweigh.jobs.report: the renderers (*Html, Charts) turn ReportData into HTML without
    // Spark; the other classes compute it. Only Report (write) calls a renderer, and no renderer
    // calls Report.
    java.util.regex.Pattern renderer = java.util.regex.Pattern.compile("\\b(Charts|\\w*Html)\\.");
    List<String> bad = new ArrayList<>();
    for (Path p : sources("spark-jobs")) {
      String src = Files.readString(p);
      String name = p.getFileName().toString();
      if (!pkg(src).equals("io.reweigh.jobs.report")) {
        continue;
      }
      if (name.endsWith("Html.java") || name.equals("Charts.java")) {
        if (java.util.regex.Pattern.compile("\\bReport\\.").matcher(src).find()) {
          bad.add(p + ": a renderer calls back into Report");
        }
        if (src.contains("import org.apache.spark")
            || src.contains("import static org.apache.spark")) {
          bad.add(p + ": a renderer imports Spark");
        }
      } else if (!name.equals("Report.java") && renderer.matcher(src).find()) {
        bad.add(p + ": a class that computes the report calls a renderer");
      }
    }
    assertEquals(List.of(), bad);
  }
}
