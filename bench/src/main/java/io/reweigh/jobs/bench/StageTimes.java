package io.reweigh.jobs.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;

/** Collects completed Spark stages (duration, tasks, shuffle bytes) to say where time goes. */
final class StageTimes extends SparkListener {
  record Stage(
      int id,
      String name,
      long millis,
      int tasks,
      long shuffleWrite,
      long shuffleRead,
      long records) {}

  private final List<Stage> stages = new ArrayList<>();

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
    StageInfo i = e.stageInfo();
    long start = i.submissionTime().isDefined() ? (Long) i.submissionTime().get() : 0L;
    long end = i.completionTime().isDefined() ? (Long) i.completionTime().get() : start;
    var m = i.taskMetrics();
    stages.add(
        new Stage(
            i.stageId(),
            i.name(),
            end - start,
            i.numTasks(),
            m == null ? 0 : m.shuffleWriteMetrics().bytesWritten(),
            m == null ? 0 : m.shuffleReadMetrics().totalBytesRead(),
            m == null ? 0 : m.inputMetrics().recordsRead() + m.shuffleReadMetrics().recordsRead()));
  }

  synchronized void reset() {
    stages.clear();
  }

  /** The slowest stages since the last reset, one line each. */
  synchronized String top(int k) {
    List<Stage> s = new ArrayList<>(stages);
    long total = s.stream().mapToLong(Stage::millis).sum();
    s.sort(Comparator.comparingLong(Stage::millis).reversed());
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "BENCH     %d Spark stages, %.1f s in stages; slowest:%n",
            stages.size(),
            total / 1e3));
    for (Stage st : s.subList(0, Math.min(k, s.size()))) {
      sb.append(
          String.format(
              Locale.ROOT,
              "BENCH     %6.1f s  %4d tasks  shuffle w %7.1f MB r %7.1f MB  %,12d rec  %s%n",
              st.millis() / 1e3,
              st.tasks(),
              st.shuffleWrite() / 1e6,
              st.shuffleRead() / 1e6,
              st.records(),
              st.name()));
    }
    return sb.toString();
  }
}
