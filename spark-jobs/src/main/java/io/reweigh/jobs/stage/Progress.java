package io.reweigh.jobs.stage;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress lines on stderr (Airflow shows stderr in the task log, so a long stage is visibly
 * alive). Stage start and end with rows and elapsed time; while a stage runs, as a SparkListener,
 * at most one line per interval with the stage's Spark tasks done/total, input rows read so far,
 * elapsed time and an ETA. The ETA extrapolates the tasks of the Spark jobs submitted so far in the
 * stage, so it can grow when the stage submits its next job. {@link #attach} also names every Spark
 * job after the reweigh stage that runs it ("reweigh commonness"), which is what the Spark UI and
 * the event log show. QUIET prints nothing; VERBOSE prints every Spark job as it starts and task
 * progress every second.
 */
public final class Progress extends SparkListener {
  /** How much to print. */
  public enum Level {
    QUIET,
    NORMAL,
    VERBOSE
  }

  /** Seconds between task progress lines by level. */
  public static final double NORMAL_INTERVAL_S = 5;

  public static final double VERBOSE_INTERVAL_S = 1;

  private final PrintStream err;
  private final Level level;
  private final long intervalNanos;
  private final long t0 = System.nanoTime();
  private volatile SparkContext sc;
  private volatile String stage = "setup";
  private volatile boolean running;
  private volatile long trainingStart;
  private volatile long stageStart = System.nanoTime();
  private final AtomicInteger tasksTotal = new AtomicInteger();
  private final AtomicInteger tasksDone = new AtomicInteger();
  private final AtomicLong rowsRead = new AtomicLong();
  private volatile long lastPrint;

  public Progress(PrintStream err, double intervalSeconds) {
    this(err, Level.NORMAL, intervalSeconds);
  }

  public Progress(PrintStream err, Level level) {
    this(err, level, level == Level.VERBOSE ? VERBOSE_INTERVAL_S : NORMAL_INTERVAL_S);
  }

  public Progress(PrintStream err, Level level, double intervalSeconds) {
    this.err = err;
    this.level = level;
    this.intervalNanos = (long) (intervalSeconds * 1e9);
  }

  /** Listens to the session's jobs and names them after the running stage. */
  public Progress attach(SparkContext context) {
    this.sc = context;
    context.addSparkListener(this);
    io.reweigh.core.stage.TrainingSteps.install(this::trainingStep);
    return this;
  }

  /**
   * A driver-side training step of the running stage: a line at the first and last step and at most
   * one per interval between, {@code proxy-model: training step 120/1000, loss 5.123, 1 min 02 s
   * elapsed, ETA 7 min 35 s}.
   */
  void trainingStep(int step, int steps, double loss) {
    long now = System.nanoTime();
    if (step <= 1) {
      trainingStart = now;
    }
    if (step <= 1 || step >= steps || now - lastPrint > intervalNanos) {
      lastPrint = now;
      double elapsed = (now - trainingStart) / 1e9;
      String eta = step > 0 && steps > step ? duration(elapsed * (steps - step) / step) : "–";
      line(
          String.format(
              Locale.ROOT,
              "%s: training step %d/%d, loss %.3f, %s elapsed, ETA %s",
              stage,
              step,
              steps,
              loss,
              duration(elapsed),
              eta));
    }
  }

  public void line(String msg) {
    if (level == Level.QUIET) {
      return;
    }
    err.printf(Locale.ROOT, "[reweigh %7.1fs] %s%n", (System.nanoTime() - t0) / 1e9, msg);
    err.flush();
  }

  public void stageStarted(String name) {
    stage = name;
    stageStart = System.nanoTime();
    tasksTotal.set(0);
    tasksDone.set(0);
    rowsRead.set(0);
    running = true;
    SparkContext c = sc;
    if (c != null) {
      c.setJobDescription("reweigh " + name);
    }
    line(name + ": started");
  }

  public void stageFinished(String name, long rows, double seconds) {
    running = false;
    line(String.format(Locale.ROOT, "%s: done, %,d rows in %.1f s", name, rows, seconds));
    SparkContext c = sc;
    if (c != null) {
      c.setJobDescription(null);
    }
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    int n = 0;
    for (var info : scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageInfos())) {
      n += info.numTasks();
    }
    tasksTotal.addAndGet(n);
    rowsRead.set(0); // rows of this job's read: a stage reads its input in several jobs
    if (level == Level.VERBOSE) {
      Object desc =
          jobStart.properties() == null
              ? null
              : jobStart.properties().getProperty("spark.job.description");
      line(
          String.format(
              Locale.ROOT,
              "%s: Spark job %d started (%s), %d tasks",
              stage,
              jobStart.jobId(),
              desc == null ? "no description" : desc,
              n));
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    int done = tasksDone.incrementAndGet();
    if (taskEnd.taskMetrics() != null) {
      rowsRead.addAndGet(taskEnd.taskMetrics().inputMetrics().recordsRead());
    }
    long now = System.nanoTime();
    if (running && now - lastPrint > intervalNanos) {
      lastPrint = now;
      line(format(stage, done, tasksTotal.get(), rowsRead.get(), (now - stageStart) / 1e9));
    }
  }

  /**
   * One progress line: {@code commonness: 45/120 tasks, 1,234,567 rows read, 12.3 s elapsed, ETA 20
   * s}; rows are those the running Spark job has read (a stage reads its input in several jobs).
   * The ETA is elapsed × (total − done) / done; "ETA –" before the first task ends or when every
   * submitted task is done (the stage may still submit more).
   */
  public static String format(String stage, int done, int total, long rows, double elapsed) {
    int shownTotal = Math.max(done, total);
    String eta =
        done > 0 && shownTotal > done ? duration(elapsed * (shownTotal - done) / done) : "–";
    return String.format(
        Locale.ROOT,
        "%s: %d/%d tasks, %,d rows read by this job, %s elapsed, ETA %s",
        stage,
        done,
        shownTotal,
        rows,
        duration(elapsed),
        eta);
  }

  /** "12.3 s", "4 min 05 s", "2 h 03 min". */
  public static String duration(double s) {
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    long t = Math.round(s);
    if (t < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", t / 60, t % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", t / 3600, (t % 3600) / 60);
  }
}
