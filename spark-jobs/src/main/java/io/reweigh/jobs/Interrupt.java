package io.reweigh.jobs;

/**
 * Ctrl-C (SIGINT/SIGTERM) while a command runs: Spark's shutdown hook stops the SparkContext under
 * the running job, whose failure would print as an internal error with a long trace. This hook runs
 * first (a higher priority in Hadoop's ShutdownHookManager, where Spark registers its own), records
 * that the user asked to stop and silences logging, so that the CLI prints one line and the JVM
 * exits with the signal's code (130 for SIGINT).
 */
final class Interrupt {
  private Interrupt() {}

  private static volatile boolean requested;

  /** Above Spark's SparkContext hook (50) and its temp-dir cleanup (25). */
  static final int PRIORITY = 100;

  static void install() {
    org.apache.hadoop.util.ShutdownHookManager.get()
        .addShutdownHook(
            () -> {
              requested = true;
              org.apache.logging.log4j.core.config.Configurator.setRootLevel(
                  org.apache.logging.log4j.Level.OFF);
            },
            PRIORITY);
  }

  static boolean requested() {
    return requested;
  }
}
