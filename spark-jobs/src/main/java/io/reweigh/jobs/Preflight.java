package io.reweigh.jobs;

import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.signal.Signal;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.spark.DomainTargetsFile;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Checks a run makes before any stage runs, so that a mistake fails in seconds, not hours. */
public final class Preflight {
  private Preflight() {}

  /**
   * The sampler's settings are checked before any stage runs (shard size keys, phases without a
   * phased signal, an unreadable or invalid domain-targets file), so that a mistake there does not
   * surface after hours of scoring. Checks that need the data (domains) run in the sampler.
   */
  public static void checkSamplerConfig(SparkSession spark, ResolvedConfig cfg) {
    Map<String, Signal.Outputs> outputs = new LinkedHashMap<>();
    for (String name : cfg.stages()) {
      outputs.put(name, SignalStages.signal(name).outputs(cfg));
    }
    SamplerParams params = SamplerParams.fromConfig(cfg, outputs);
    DomainTargetsFile.load(spark, params.domainTargets());
  }

  /**
   * An output folder inside the input would be read as input by the next run (its shards are
   * Parquet files): refused, naming both (exit 2).
   */
  static void checkOutputOutsideInput(
      String input, InputPlan plan, OutputDir out, org.apache.hadoop.conf.Configuration conf) {
    String root = out.root().toString() + "/";
    boolean inside = false;
    try {
      Path in = new Path(input);
      var fs = in.getFileSystem(conf);
      if (!input.matches(".*[*?\\[{].*") && fs.exists(in) && fs.getFileStatus(in).isDirectory()) {
        String dir = fs.makeQualified(in).toString();
        inside = (root).startsWith(dir.endsWith("/") ? dir : dir + "/");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (int i = 0; !inside && i < plan.files().length; i++) {
      inside = plan.files()[i].startsWith(root);
    }
    if (inside) {
      throw PipelineErrors.outputInsideInput(out.root().toString(), input);
    }
  }
}
