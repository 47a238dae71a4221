package io.reweigh.jobs.cli;

import io.reweigh.core.demo.DemoCorpus;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reweigh generate}. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description =
        "Write a seeded synthetic JSONL corpus (the demo's generator), e.g. for benchmarks.")
public final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--output", required = true, paramLabel = "DIR")
  Path dir;

  @Option(names = "--docs", required = true)
  int docs;

  @Option(names = "--seed", defaultValue = "0")
  long seed;

  @Option(names = "--files", defaultValue = "8")
  int files;

  @Option(names = "--bad-rows", description = "Also write the demo's bad rows.")
  boolean badRows;

  @Override
  public Integer call() {
    long lines =
        new DemoCorpus(seed)
            .writeJsonl(dir, docs, files, badRows ? DemoCorpus.DEFAULT_BAD_ROWS : null);
    System.out.printf(Locale.ROOT, "wrote %,d lines to %s%n", lines, dir);
    return 0;
  }
}
