package io.reweigh.influence.spark;

import io.reweigh.core.Columns;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.InfluenceDetails;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.InfluenceSignal;
import io.reweigh.influence.ModelCache;
import io.reweigh.influence.ScoringModel;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Self-influence of documents in {@code mapPartitions}: SI(x) = Σ_c η_c ‖∇_{θ_L} ℓ(x; θ_c)‖² over
 * fixed-shape batches (one backward per batch), each checkpoint loaded once per executor JVM
 * ({@link ModelCache}). The one scorer of the influence stage (every document) and the coreset
 * stage (its coreset and its validation sample).
 */
public final class SelfInfluenceScoring {
  private SelfInfluenceScoring() {}

  /** SI is kept to this many significant digits (see docs/influence.md, determinism). */
  static final MathContext DIGITS = new MathContext(7);

  /** What scoring writes: id, influence_tokens, self_influence. */
  static final StructType SCORED =
      new StructType()
          .add(Columns.ID, DataTypes.StringType, false)
          .add(InfluenceSignal.TOKENS, DataTypes.IntegerType, false)
          .add(InfluenceSignal.SI, DataTypes.DoubleType, false);

  /** Where a stage writing to {@code path} keeps its raw scores until it has written its table. */
  public static String rawPath(String path) {
    return path + "_raw";
  }

  /** Spark-side counters of a scoring job, read on the driver into the stage's stats. */
  record Counters(
      LongAccumulator loads, LongAccumulator batches, CollectionAccumulator<String> devices)
      implements java.io.Serializable {
    static Counters of(SparkSession spark) {
      return new Counters(
          spark.sparkContext().longAccumulator("reweigh.model_loads"),
          spark.sparkContext().longAccumulator("reweigh.influence_batches"),
          spark.sparkContext().collectionAccumulator("reweigh.devices"));
    }
  }

  /** The scores as read back, and what the scoring reports. */
  public record Scored(Dataset<Row> table, InfluenceDetails.Scoring facts) {}

  /**
   * {@link #scored} with the model facts put into {@code stats} under their JSON names, for the
   * coreset stage, whose details are still a map.
   */
  public static Dataset<Row> score(
      SparkSession spark,
      Dataset<Row> docs,
      InfluenceParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String rawPath,
      Map<String, Object> stats) {
    Scored s = scored(spark, docs, p, checkpoints, rawPath);
    stats.put("model_loads", s.facts().modelLoads());
    stats.put("batches", s.facts().batches());
    stats.put("devices", s.facts().devices());
    stats.put("checkpoints", s.facts().checkpoints());
    stats.put("layers", s.facts().layers());
    stats.put("loss_norm", s.facts().lossNorm());
    return s.table();
  }

  /**
   * Self-influence of every document of {@code docs} (id, text), written to {@code rawPath} as id,
   * influence_tokens, self_influence and read back, with the model facts.
   */
  public static Scored scored(
      SparkSession spark,
      Dataset<Row> docs,
      InfluenceParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String rawPath) {
    var jsc = new JavaSparkContext(spark.sparkContext());
    Broadcast<List<ProxyModelStage.Checkpoint>> models = jsc.broadcast(checkpoints);
    Counters counters = Counters.of(spark);
    int threads = TorchThreads.of(spark, p.threads());
    docs.select(Columns.ID, Columns.TEXT)
        .mapPartitions(partition(p, models, counters, threads), Encoders.row(SCORED))
        .write()
        .option("compression", "zstd")
        .parquet(rawPath);
    InfluenceDetails.Scoring facts =
        new InfluenceDetails.Scoring(
            counters.loads().value(),
            counters.batches().value(),
            new ArrayList<>(new TreeSet<>(counters.devices().value())),
            checkpoints.size(),
            p.layers(),
            p.lossNorm().name().toLowerCase(java.util.Locale.ROOT));
    return new Scored(spark.read().parquet(rawPath), facts);
  }

  /** Deletes a scratch folder ({@link #rawPath}, a validation sample's scores). */
  public static void delete(SparkSession spark, String path) {
    try {
      new org.apache.hadoop.fs.Path(path)
          .getFileSystem(spark.sparkContext().hadoopConfiguration())
          .delete(new org.apache.hadoop.fs.Path(path), true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static MapPartitionsFunction<Row, Row> partition(
      InfluenceParams p,
      Broadcast<List<ProxyModelStage.Checkpoint>> models,
      Counters counters,
      int threads) {
    return rows -> {
      DjlRuntime.limitThreads(threads);
      DjlRuntime.inferenceThread();
      List<ProxyModelStage.Checkpoint> cps = models.value();
      return new ScoredPartition(rows, p, cps, taskModels(cps, counters), counters.batches());
    };
  }

  /**
   * The checkpoints' models for this task, each loaded once per executor JVM on the device {@link
   * ModelCache} loads on ({@link DjlRuntime#device()}); first loads are counted with their device.
   * The one place a task gets its models, so a per-task device (a Spark GPU assignment) belongs
   * here.
   */
  private static List<ScoringModel> taskModels(
      List<ProxyModelStage.Checkpoint> cps, Counters counters) {
    List<ScoringModel> lms = new ArrayList<>();
    for (ProxyModelStage.Checkpoint cp : cps) {
      ModelCache.Entry e = cp.model();
      if (e.loaded()) {
        counters.loads().add(1);
        counters.devices().add(e.model().manager().getDevice().toString());
      }
      lms.add(e.model());
    }
    return lms;
  }
}
