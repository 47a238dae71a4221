package io.reweigh.core.stage;

/**
 * Where driver-side training loops (the proxy LM of proxy-model, any other trainer inside a stage)
 * report their steps, so that a stage that trains for minutes prints step k/N, loss and an ETA on
 * the same interval as Spark stages (spark-jobs' Progress installs the sink; without one, reports
 * go nowhere). One sink per JVM: the driver's.
 */
public final class TrainingSteps {
  private TrainingSteps() {}

  /** Receives every step. */
  @FunctionalInterface
  public interface Sink {
    void step(int step, int steps, double loss);
  }

  private static volatile Sink sink = (step, steps, loss) -> {};

  public static void install(Sink s) {
    sink = s;
  }

  /** Step {@code step} (1-based) of {@code steps} ended with training loss {@code loss}. */
  public static void step(int step, int steps, double loss) {
    sink.step(step, steps, loss);
  }
}
