package io.reweigh.jobs.stage;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress lines on stderr: stage start/end with rows and elapsed time, and (as a SparkListener)
 * task progress of the running Spark jobs at most every few seconds. Airflow shows stderr in the
 * task log, so a long stage is visibly alive.
 */
public final class Progress extends SparkListener {
  private final PrintStream err;
  private final long t0 = System.nanoTime();
  private volatile String stage = "setup";
  private volatile long stageStart = System.nanoTime();
  private volatile int tasksTotal;
  private volatile int tasksDone;
  private volatile long lastPrint;
  private final long intervalNanos;

  public Progress(PrintStream err, double intervalSeconds) {
    this.err = err;
    this.intervalNanos = (long) (intervalSeconds * 1e9);
  }

  public void line(String msg) {
    err.printf(Locale.ROOT, "[reweigh %7.1fs] %s%n", (System.nanoTime() - t0) / 1e9, msg);
    err.flush();
  }

  public void stageStarted(String name) {
    stage = name;
    stageStart = System.nanoTime();
    line(name + ": started");
  }

  public void stageFinished(String name, long rows, double seconds) {
    line(String.format(Locale.ROOT, "%s: done, %,d rows in %.1f s", name, rows, seconds));
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    int n = 0;
    for (var info : scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageInfos())) {
      n += info.numTasks();
    }
    tasksTotal += n;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    tasksDone++;
    long now = System.nanoTime();
    if (now - lastPrint > intervalNanos) {
      lastPrint = now;
      line(
          String.format(
              Locale.ROOT,
              "%s: %d/%d tasks, %.1f s",
              stage,
              tasksDone,
              Math.max(tasksDone, tasksTotal),
              (now - stageStart) / 1e9));
    }
  }
}
