package io.reweigh.sampler.spark;

import io.reweigh.core.spark.SerializableHadoopConf;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** The sha256 of written shards, as the manifest lists them. */
final class ShardSha256 {
  private ShardSha256() {}

  /**
   * Normalises each shard's footer ({@link FooterNormalizer}) and returns its SHA-256, on the
   * executors (shards can be many and large).
   */
  static Map<String, String> of(SparkSession spark, List<String> files) {
    if (files.isEmpty()) {
      return Map.of();
    }
    SerializableHadoopConf conf =
        new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration());
    List<String> pairs =
        new JavaSparkContext(spark.sparkContext())
            .parallelize(files, Math.min(files.size(), 64))
            .map(
                f -> {
                  Path p = new Path(f);
                  return f + "\t" + FooterNormalizer.normalize(p.getFileSystem(conf.get()), p);
                })
            .collect();
    Map<String, String> out = new HashMap<>();
    for (String s : pairs) {
      int t = s.lastIndexOf('\t');
      out.put(s.substring(0, t), s.substring(t + 1));
    }
    return out;
  }
}
