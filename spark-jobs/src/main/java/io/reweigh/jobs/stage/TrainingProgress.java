package io.reweigh.jobs.stage;

import io.reweigh.influence.evaluate.Evaluation;
import java.util.Locale;

/**
 * Progress lines of driver-side training (evaluate's arms, tune's DoReMi models and candidates): at
 * each held-out measurement the run, step k/N, training and held-out loss, the share of all the
 * command's training steps done, elapsed time and an ETA extrapolated from the steps done so far. A
 * run may stop and go on later (successive halving): it reports from the step it resumed at.
 */
public final class TrainingProgress {
  private final Progress progress;
  private final String stage;
  private final long totalSteps;
  private final int runSteps;
  private final long t0 = System.nanoTime();
  private long doneSteps;
  private int fromStep;
  private String label = "";

  /**
   * @param totalSteps every training step the command will take (over all runs)
   * @param runSteps a full run's steps (the N of "step k/N")
   */
  public TrainingProgress(Progress progress, String stage, long totalSteps, int runSteps) {
    this.progress = progress;
    this.stage = stage;
    this.totalSteps = totalSteps;
    this.runSteps = runSteps;
  }

  /** A run starts, or resumes after {@code fromStep} steps. */
  public void runStarted(String label, int fromStep) {
    this.label = label;
    this.fromStep = fromStep;
  }

  /** The run stopped after {@code toStep} steps. */
  public void runFinished(int toStep) {
    doneSteps += toStep - fromStep;
    fromStep = toStep;
  }

  /** One line per measurement (the untrained model's included). */
  public void point(Evaluation.Point p) {
    progress.line(
        line(
            stage,
            label,
            p,
            runSteps,
            doneSteps + Math.max(0, p.step() - fromStep),
            totalSteps,
            (System.nanoTime() - t0) / 1e9));
  }

  /**
   * {@code evaluate: weighted seed 1, step 125/400, train loss 5.712, held-out perplexity 312.40,
   * 31% of 2,400 steps, 3 min 10 s elapsed, ETA 7 min 02 s}.
   */
  static String line(
      String stage,
      String label,
      Evaluation.Point p,
      int runSteps,
      long done,
      long total,
      double elapsed) {
    String eta =
        done > 0 && total > done ? Progress.duration(elapsed * (total - done) / done) : "–";
    return String.format(
        Locale.ROOT,
        "%s: %s, step %d/%d, %sheld-out perplexity %.2f, %d%% of %,d steps, %s elapsed, ETA %s",
        stage,
        label,
        p.step(),
        runSteps,
        Double.isNaN(p.trainLoss())
            ? ""
            : String.format(Locale.ROOT, "train loss %.3f, ", p.trainLoss()),
        p.perplexity(),
        total == 0 ? 100 : Math.round(100.0 * done / total),
        total,
        Progress.duration(elapsed),
        eta);
  }
}
