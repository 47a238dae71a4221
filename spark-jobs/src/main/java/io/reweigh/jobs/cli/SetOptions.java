package io.reweigh.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** --set KEY=VALUE, repeatable. */
class SetOptions extends SessionOptions {
  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key; VALUE is HOCON (e.g. --set softdedup.order=5).")
  List<String> sets = new ArrayList<>();
}
