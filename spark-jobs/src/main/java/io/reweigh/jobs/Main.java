package io.reweigh.jobs;

import io.reweigh.core.error.ReweighException;
import io.reweigh.jobs.cli.ConfigDocCommand;
import io.reweigh.jobs.cli.DemoCommand;
import io.reweigh.jobs.cli.EvaluateCommand;
import io.reweigh.jobs.cli.ExplainCommand;
import io.reweigh.jobs.cli.GenerateCommand;
import io.reweigh.jobs.cli.ReportCommand;
import io.reweigh.jobs.cli.RunCommand;
import io.reweigh.jobs.cli.TuneCommand;
import io.reweigh.jobs.cli.ValidateCommand;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The reweigh command line: demo, run, validate, report, explain, evaluate, tune, generate,
 * config-doc (one class each in {@code io.reweigh.jobs.cli}); errors to exit codes.
 */
@Command(
    name = "reweigh",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Distributed pretraining-data reweighting on Apache Spark.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      ValidateCommand.class,
      GenerateCommand.class,
      ReportCommand.class,
      ExplainCommand.class,
      EvaluateCommand.class,
      TuneCommand.class,
      ConfigDocCommand.class
    },
    exitCodeOnInvalidInput = 2,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:internal error", "2:usage or config error", "3:input error"})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    Interrupt.install();
    int code = execute(args, System.out, System.err);
    if (Interrupt.requested()) {
      return; // the JVM is already exiting (130); System.exit would wait for the hooks forever
    }
    System.exit(code);
  }

  /** Runs the CLI without exiting the JVM (tests, embedding). */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          if (Interrupt.requested()) {
            err.println(
                "reweigh: interrupted; committed stages are kept, the same command resumes.");
            return 130;
          }
          ReweighException re = find(ex);
          if (re == null) {
            re = Failures.classify(ex);
          }
          if (re != null) {
            err.println("reweigh: error: " + re.getMessage());
            return re.exitCode();
          }
          err.println("reweigh: internal error: " + ex);
          ex.printStackTrace(err);
          return 1;
        });
    return cl.execute(args);
  }

  static ReweighException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ReweighException r) {
        return r;
      }
    }
    return null;
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }

  /** Version from the build. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"reweigh " + io.reweigh.core.Version.get()};
    }
  }
}
