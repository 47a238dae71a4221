package io.reweigh.jobs.cli;

import io.reweigh.core.config.Keys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code reweigh config-doc}: docs/config.md. */
@Command(
    name = "config-doc",
    mixinStandardHelpOptions = true,
    description = "Print the table of every config key (Markdown).")
public final class ConfigDocCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.print(configDoc());
    return 0;
  }

  /** docs/config.md, generated from the registry. */
  public static String configDoc() {
    return "# Configuration keys\n\n"
        + "Generated from the registry (`reweigh config-doc`); do not edit by hand.\n"
        + "Precedence: `--set KEY=VALUE` > config file (`-c`, HOCON) > default. Unknown keys are errors.\n\n"
        + Keys.markdownTable();
  }
}
