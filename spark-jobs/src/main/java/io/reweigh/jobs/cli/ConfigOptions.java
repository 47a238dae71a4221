package io.reweigh.jobs.cli;

import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.config.ResolvedConfig;
import java.io.File;
import picocli.CommandLine.Option;

/** Options shared by commands that read config. */
class ConfigOptions extends SetOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "HOCON config file (see conf/reweigh.conf and docs/config.md).")
  File configFile;

  ResolvedConfig config() {
    return ConfigLoader.load(configFile, sets);
  }

  /** picocli mixin wrapper for ConfigOptions. */
  static final class Mixin extends ConfigOptions {}
}
