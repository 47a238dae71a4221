package io.reweigh.influence.spark;

import org.apache.spark.sql.SparkSession;

/** How many PyTorch threads a task (or the driver's training) uses. */
public final class TorchThreads {
  private TorchThreads() {}

  /**
   * PyTorch threads per task: the key, else the executor's cores (local mode: all cores), at least
   * 2: some CPU kernels take a different (single-threaded) path with 1 thread and round
   * differently, so 1 thread would not reproduce the bytes of a run with more.
   */
  public static int of(SparkSession spark, int configured) {
    if (configured > 0) {
      return configured;
    }
    var conf = spark.sparkContext().getConf();
    int cores =
        spark.sparkContext().isLocal()
            ? Runtime.getRuntime().availableProcessors()
            : conf.getInt("spark.executor.cores", 1);
    return Math.max(2, cores);
  }
}
