package io.reweigh.core.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local[2] SparkSession shared by every Spark test of a module (surefire runs a module's
 * tests in one JVM). UI off, loopback host, few shuffle partitions, Kryo on: as
 * docs/architecture.md.
 */
public final class SharedSpark {
  private SharedSpark() {}

  private static SparkSession session;

  public static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("reweigh-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.default.parallelism", "4")
              .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.sql.adaptive.enabled", "true")
              .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }
}
