package io.reweigh.sampler.spark;

import io.reweigh.core.error.SamplerErrors;
import io.reweigh.sampler.DomainTargets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * sampler.domain-targets ({@link DomainTargets}): an inline map, or a JSON file read through
 * Hadoop.
 */
public final class DomainTargetsFile {
  private DomainTargetsFile() {}

  /** The domain targets: null, an inline map, or a JSON file read through Hadoop. */
  @SuppressWarnings("unchecked")
  public static DomainTargets load(SparkSession spark, Object spec) {
    if (spec == null) {
      return null;
    }
    if (spec instanceof Map<?, ?> m) {
      return new DomainTargets("inline object", new TreeMap<>((Map<String, Double>) m));
    }
    String path = (String) spec;
    String source = "file " + path;
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p) || fs.getFileStatus(p).isDirectory()) {
        throw SamplerErrors.domainTargetsUnreadable(source, "no such file.");
      }
      try (InputStream in = fs.open(p)) {
        return DomainTargets.parseJson(
            source, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw SamplerErrors.domainTargetsUnreadable(source, e.toString());
    }
  }
}
