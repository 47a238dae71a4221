package io.reweigh.jobs;

import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.error.ReweighException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns failures of the user's environment that surface as library exceptions into reweigh's errors
 * with their exit code and the fix (docs/guarantees.md, "Every bad file, key or folder has a
 * message"): a file system whose classes are missing (s3a), a host that does not resolve or answer,
 * a damaged input file, a bad Spark master. Anything not recognised stays an internal error (exit
 * 1).
 */
final class Failures {
  private Failures() {}

  /** The user's problem behind {@code t}, or null when it is not recognised. */
  static ReweighException classify(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("org.apache.hadoop.fs.s3a.S3AFileSystem not found")
          || (c instanceof org.apache.hadoop.fs.UnsupportedFileSystemException
              && m.contains("\"s3a\""))) {
        return s3aMissing();
      }
      if (c instanceof org.apache.hadoop.fs.UnsupportedFileSystemException) {
        return PipelineErrors.usage(
            "No Hadoop file system is installed for this path: " + m + ".",
            "Use file://, hdfs:// or s3a:// (with hadoop-aws, see docs/operability.md), or add the"
                + " file system's jars with spark-submit --jars/--packages.");
      }
      if (c instanceof java.net.UnknownHostException) {
        return PipelineErrors.environment(
            "Host '" + m + "' of an --input or --output path cannot be resolved.",
            "Check the host name in the URI (hdfs://NAMENODE:PORT/...), or the cluster's"
                + " fs.defaultFS; from this machine `getent hosts "
                + m
                + "` must answer.");
      }
      if (c instanceof java.net.ConnectException) {
        return PipelineErrors.environment(
            "Cannot connect to a file system server: " + m + ".",
            "Check that the NameNode (or object store endpoint) in the --input/--output URI is up"
                + " and its port is right.");
      }
      if (c instanceof org.apache.spark.SparkThrowable st
          && String.valueOf(st.getErrorClass()).startsWith("FAILED_READ_FILE")) {
        String path = st.getMessageParameters().getOrDefault("path", "?");
        Throwable root = c;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        return PipelineErrors.environment(
            "Input file '" + path + "' is damaged or truncated: " + root + ".",
            "Check it (gzip -t / zstd -t FILE), fetch it again, or remove it from the input.");
      }
    }
    return null;
  }

  static ReweighException s3aMissing() {
    String hadoop = org.apache.hadoop.util.VersionInfo.getVersion();
    return PipelineErrors.usage(
        "The s3a:// file system is not on the classpath (org.apache.hadoop.fs.s3a.S3AFileSystem).",
        "Add Hadoop's S3 connector of the same version as Hadoop here ("
            + hadoop
            + "): spark-submit --packages org.apache.hadoop:hadoop-aws:"
            + hadoop
            + " ..., or with bin/reweigh put hadoop-aws-"
            + hadoop
            + ".jar and its AWS SDK bundle jar in REWEIGH_EXTRA_JARS (docs/operability.md).");
  }

  private static final Pattern LOCAL =
      Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?\\])?");
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]*\\]");
  private static final Pattern STANDALONE =
      Pattern.compile("spark://[^/:,\\s]+:[0-9]+(,[^/:,\\s]+:[0-9]+)*");

  /**
   * Checks a Spark master URL before a session is built (exit 2 with the forms that work); Spark's
   * own messages for these ("Could not parse Master URL") come with a long trace.
   */
  static void checkMaster(String master, java.util.function.Function<String, String> env) {
    String m = master.trim();
    if (LOCAL.matcher(m).matches()
        || LOCAL_CLUSTER.matcher(m).matches()
        || STANDALONE.matcher(m).matches()) {
      return;
    }
    String forms =
        "Use local, local[*], local[N] (N ≥ 1 threads), spark://HOST:PORT, yarn (with"
            + " HADOOP_CONF_DIR or YARN_CONF_DIR set, under spark-submit) or k8s://https://HOST:PORT"
            + " (under spark-submit).";
    if (m.equals("yarn")) {
      if (env.apply("HADOOP_CONF_DIR") == null && env.apply("YARN_CONF_DIR") == null) {
        throw PipelineErrors.usage(
            "--master yarn needs the cluster's configuration: neither HADOOP_CONF_DIR nor"
                + " YARN_CONF_DIR is set.",
            "Export HADOOP_CONF_DIR=/etc/hadoop/conf (the folder with yarn-site.xml) and run under"
                + " spark-submit --master yarn.");
      }
      requireClass(
          "org.apache.spark.deploy.yarn.YarnClusterManager",
          "--master yarn needs Spark's YARN support, which this classpath lacks.",
          "Run under spark-submit of a Spark distribution built with YARN.");
      return;
    }
    if (m.toLowerCase(Locale.ROOT).startsWith("k8s://")) {
      requireClass(
          "org.apache.spark.scheduler.cluster.k8s.KubernetesClusterManager",
          "--master k8s:// needs Spark's Kubernetes support, which this classpath lacks.",
          "Run under spark-submit of a Spark distribution built with Kubernetes.");
      return;
    }
    throw PipelineErrors.usage("Invalid Spark master '" + master + "'.", forms);
  }

  private static void requireClass(String name, String problem, String fix) {
    try {
      Class.forName(name, false, Failures.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw PipelineErrors.usage(problem, fix);
    }
  }
}
