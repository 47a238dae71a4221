package io.reweigh.jobs;

import io.reweigh.core.io.KeyFiles;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession. Under spark-submit the master and every --conf come from the launcher
 * (system properties) and are kept; run directly (bin/reweigh, tests), the master is --master or
 * local[*]. reweigh only adds defaults the user did not set.
 */
public final class Sessions {
  private Sessions() {}

  /** glibc malloc tuning for executors; bin/reweigh sets the same for the driver. */
  static final String[][] MALLOC_ENV = {
    {"MALLOC_MMAP_THRESHOLD_", "33554432"},
    {"MALLOC_TRIM_THRESHOLD_", "268435456"},
    {"MALLOC_TOP_PAD_", "67108864"}
  };

  public static SparkSession create(String master) {
    SparkConf conf = new SparkConf();
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    Failures.checkMaster(conf.get("spark.master"), System::getenv);
    conf.setIfMissing("spark.app.name", "reweigh");
    conf.setIfMissing("spark.hadoop.fs.file.impl", NoChecksumLocalFileSystem.class.getName());
    // reweigh hands Spark its input as a list of files; above 32 paths Spark lists them in a job
    // of one task per path (5,000 files: 5,000 tasks, 15 s); 64 tasks list them as fast
    conf.setIfMissing("spark.sql.sources.parallelPartitionDiscovery.parallelism", "64");
    // a small file costs less than the 4 MB Spark assumes per open on HDFS, so partitions of many
    // small files hold more of them (5,000 one-line files: 157 tasks per pass at 4 MB)
    conf.setIfMissing("spark.sql.files.openCostInBytes", String.valueOf(1 << 20));
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    conf.setIfMissing("spark.sql.adaptive.enabled", "true");
    conf.setIfMissing("spark.sql.adaptive.skewJoin.enabled", "true");
    // executors: glibc malloc settings for PyTorch's multi-MB tensors (see bin/reweigh)
    for (String[] kv : MALLOC_ENV) {
      conf.setIfMissing("spark.executorEnv." + kv[0], kv[1]);
    }
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.ui.enabled", "false");
      // local mode makes no periodic resource offers: a task held back for data locality (e.g. an
      // HDFS block on "127.0.0.1" while the executor is "localhost") would wait forever once the
      // other tasks are done. Seen as a hung stage reading hdfs:// in local mode.
      conf.setIfMissing("spark.locality.wait", "0s");
      // few, larger shuffle partitions on one machine: 200 tiny tasks per stage cost more than the
      // work (measured: commonness exact 52 s with 4 partitions, 208 s with 200, on 20 MB)
      conf.setIfMissing(
          "spark.sql.shuffle.partitions",
          String.valueOf(Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    // files named by config keys (tokenizer.path, influence.model) are read with the session's
    // Hadoop settings (spark.hadoop.*), like the input
    KeyFiles.useConfiguration(spark.sparkContext().hadoopConfiguration());
    addZstdCodec(spark.sparkContext().hadoopConfiguration());
    return spark;
  }

  /**
   * Registers {@link io.reweigh.jobs.input.ZstdReadCodec} after the codecs the user configured:
   * Hadoop maps an extension to the last codec that claims it, so .zst files are read with zstd-jni
   * instead of Hadoop's codec that needs a native libhadoop.
   */
  static void addZstdCodec(org.apache.hadoop.conf.Configuration h) {
    String mine = io.reweigh.jobs.input.ZstdReadCodec.class.getName();
    String codecs = h.get("io.compression.codecs", "");
    if (!codecs.contains(mine)) {
      h.set("io.compression.codecs", codecs.isBlank() ? mine : codecs + "," + mine);
    }
  }
}
