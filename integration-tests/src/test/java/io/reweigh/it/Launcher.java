package io.reweigh.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shaded jar the way users do, in child JVMs: the Spark runtime from a SPARK_HOME whose
 * jars/ holds it (built by spark-jobs), the reweigh jar passed to SparkSubmit. Nothing of reweigh
 * is on this test's classpath.
 */
final class Launcher {
  static final String JAR = System.getProperty("reweigh.jar");

  /** --set arguments for a small proxy LM, so that the influence stage takes seconds. */
  static final List<String> SMALL_INFLUENCE =
      List.of(
          "--set",
          "influence.proxy.vocab=1024",
          "--set",
          "influence.proxy.width=32",
          "--set",
          "influence.max-tokens=32",
          "--set",
          "influence.train-steps=30");

  static final String SPARK_HOME = System.getProperty("reweigh.spark.home");
  static final List<String> JVM_FLAGS =
      Arrays.asList(System.getProperty("reweigh.jvm.flags", "").trim().split("\\s+"));

  record Result(int code, String out) {}

  static Result java(Path log, List<String> args, long timeoutSeconds)
      throws IOException, InterruptedException {
    Process p = startJava(log, args);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + args + "\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  /** A child JVM (2 GB heap, Spark's JVM flags, SPARK_HOME's jars) running {@code args}. */
  private static Process startJava(Path log, List<String> args) throws IOException {
    return startJava(log, List.of(), SPARK_HOME + "/jars/*", args);
  }

  private static Process startJava(
      Path log, List<String> props, String classpath, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.add("-Xmx2g");
    cmd.addAll(props);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", SPARK_HOME);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    return pb.start();
  }

  /** spark-submit --class io.reweigh.jobs.Main JAR args… */
  static Result submit(Path log, List<String> submitArgs, List<String> appArgs) throws Exception {
    return java(log, submitCommand(submitArgs, appArgs), 600);
  }

  /** Starts a spark-submit child JVM without waiting (for tests that kill it). */
  static Process start(Path log, List<String> submitArgs, List<String> appArgs) throws IOException {
    return startJava(log, submitCommand(submitArgs, appArgs));
  }

  private static List<String> submitCommand(List<String> submitArgs, List<String> appArgs) {
    List<String> args = new ArrayList<>();
    args.add("org.apache.spark.deploy.SparkSubmit");
    args.addAll(submitArgs);
    args.add("--class");
    args.add("io.reweigh.jobs.Main");
    args.add("--conf");
    args.add("spark.ui.enabled=false");
    args.add(new File(JAR).getAbsolutePath());
    args.addAll(appArgs);
    return args;
  }

  /**
   * The CLI as bin/reweigh runs it (Main from the shaded jar + Spark's jars, no SparkSubmit), with
   * Spark settings as -Dspark.* system properties, which SparkConf reads.
   */
  static Result cli(Path log, List<String> sparkProps, List<String> appArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("io.reweigh.jobs.Main"));
    args.addAll(appArgs);
    Process p =
        startJava(
            log,
            sparkProps,
            new File(JAR).getAbsolutePath() + File.pathSeparator + SPARK_HOME + "/jars/*",
            args);
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + appArgs + "\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  /** Runs a reweigh command straight from the jar (no SparkSubmit), e.g. generate. */
  static Result reweigh(Path log, String... appArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(new File(JAR).getAbsolutePath() + File.pathSeparator + SPARK_HOME + "/jars/*");
    cmd.add("io.reweigh.jobs.Main");
    cmd.addAll(Arrays.asList(appArgs));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  private Launcher() {}
}
