package io.reweigh.jobs.bench;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Each Spark job's wall time and description, on stderr: the per-job breakdown of the benchmarks
 * (bin/bench-sampler with REWEIGH_BENCH_JOBS=1), and of any run with {@code
 * REWEIGH_JAVA_OPTS=-Dspark.extraListeners=io.reweigh.jobs.bench.JobTimes bin/reweigh run …}.
 */
public final class JobTimes extends SparkListener {
  private final Map<Integer, Long> start = new ConcurrentHashMap<>();
  private final Map<Integer, String> site = new ConcurrentHashMap<>();

  public JobTimes() {}

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    start.put(e.jobId(), e.time());
    String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
    String call = e.properties() == null ? null : e.properties().getProperty("callSite.short");
    // the last stage of a job is its result stage, named after the call site (e.g. "parquet at
    // IngestStage.java")
    String where = call;
    if (where == null && e.stageInfos() != null && !e.stageInfos().isEmpty()) {
      where = e.stageInfos().last().name();
    }
    site.put(e.jobId(), d + " @ " + where);
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    System.err.printf(
        Locale.ROOT,
        "job %d %6d ms (ended %6d ms after JVM start) %s%n",
        e.jobId(),
        e.time() - start.getOrDefault(e.jobId(), e.time()),
        e.time() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime(),
        site.get(e.jobId()));
  }
}
