package io.reweigh.influence.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.InfluenceSignal;
import io.reweigh.influence.ModelCache;
import io.reweigh.influence.ScoringModel;
import io.reweigh.influence.Sequences;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The influence stage (PRESENCE, Thakkar et al. 2023): scores every usable document with its
 * self-influence under the proxy LM, SI(x) = Σ_c η_c ‖∇_{θ_L} ℓ(x; θ_c)‖², in {@code mapPartitions}
 * over fixed-shape batches (one backward per batch), with each checkpoint loaded once per executor
 * JVM; then z-normalises SI over the corpus and writes id, influence_tokens, self_influence,
 * weight_influence_1, weight_influence_2 and dropped.
 */
public final class InfluenceStage {
  private InfluenceStage() {}

  public static final String SI = InfluenceSignal.SI;
  public static final String TOKENS = InfluenceSignal.TOKENS;
  public static final String W1 = InfluenceSignal.W1;
  public static final String W2 = InfluenceSignal.W2;
  public static final String DROPPED = InfluenceSignal.DROPPED;

  /** SI is kept to this many significant digits (see docs/influence.md, determinism). */
  static final MathContext DIGITS = new MathContext(7);

  static final StructType SCORED =
      new StructType()
          .add(Columns.ID, DataTypes.StringType, false)
          .add(TOKENS, DataTypes.IntegerType, false)
          .add(SI, DataTypes.DoubleType, false);

  /**
   * PyTorch threads per task: the key, else the executor's cores (local mode: all cores), at least
   * 2: some CPU kernels take a different (single-threaded) path with 1 thread and round
   * differently, so 1 thread would not reproduce the bytes of a run with more.
   */
  public static int threads(SparkSession spark, int configured) {
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

  public static StageStats run(
      SparkSession spark,
      Dataset<Row> docs,
      InfluenceParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String path) {
    Timer timer = new Timer();
    Map<String, Object> stats = new LinkedHashMap<>();
    Dataset<Row> si = scoreRaw(spark, docs, p, checkpoints, path + "_raw", stats);
    double scoring = timer.lap("score").elapsed();
    long n = si.count();
    stats.put("docs_per_s", n / Math.max(scoring, 1e-9));

    Dataset<Row> weighted = weights(si, p, n, stats);
    weighted
        .select(Columns.ID, TOKENS, SI, W1, W2, DROPPED)
        .write()
        .option("compression", "zstd")
        .parquet(path);
    Dataset<Row> written = spark.read().parquet(path);
    stats.put(SI, SparkStats.summary(written, SI));
    stats.put(W1, SparkStats.summary(written, W1));
    stats.put(W2, SparkStats.summary(written, W2));
    stats.put("dropped_rows", written.filter(col(DROPPED)).count());
    delete(spark, path + "_raw");
    timer.lap("weights").into(stats);
    return StageStats.of(n, stats);
  }

  /**
   * Self-influence of every document of {@code docs} (id, text), written to {@code rawPath} as id,
   * influence_tokens, self_influence and read back; model facts go into {@code stats}.
   */
  public static Dataset<Row> scoreRaw(
      SparkSession spark,
      Dataset<Row> docs,
      InfluenceParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      String rawPath,
      Map<String, Object> stats) {
    var jsc = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext());
    Broadcast<List<ProxyModelStage.Checkpoint>> models = jsc.broadcast(checkpoints);
    LongAccumulator loads = spark.sparkContext().longAccumulator("reweigh.model_loads");
    LongAccumulator batches = spark.sparkContext().longAccumulator("reweigh.influence_batches");
    CollectionAccumulator<String> devices =
        spark.sparkContext().collectionAccumulator("reweigh.devices");
    int threads = threads(spark, p.threads());
    docs.select(Columns.ID, Columns.TEXT)
        .mapPartitions(score(p, models, loads, batches, devices, threads), Encoders.row(SCORED))
        .write()
        .option("compression", "zstd")
        .parquet(rawPath);
    stats.put("model_loads", loads.value());
    stats.put("batches", batches.value());
    stats.put("devices", new ArrayList<>(new TreeSet<>(devices.value())));
    stats.put("checkpoints", checkpoints.size());
    stats.put("layers", p.layers());
    stats.put("loss_norm", p.lossNorm().name().toLowerCase(java.util.Locale.ROOT));
    return spark.read().parquet(rawPath);
  }

  public static void delete(SparkSession spark, String path) {
    try {
      new org.apache.hadoop.fs.Path(path)
          .getFileSystem(spark.sparkContext().hadoopConfiguration())
          .delete(new org.apache.hadoop.fs.Path(path), true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static MapPartitionsFunction<Row, Row> score(
      InfluenceParams p,
      Broadcast<List<ProxyModelStage.Checkpoint>> models,
      LongAccumulator loads,
      LongAccumulator batches,
      CollectionAccumulator<String> devices,
      int threads) {
    return rows -> {
      DjlRuntime.limitThreads(threads);
      DjlRuntime.inferenceThread();
      List<ProxyModelStage.Checkpoint> cps = models.value();
      List<ScoringModel> lms = new ArrayList<>();
      for (int i = 0; i < cps.size(); i++) {
        ModelCache.Entry e = cps.get(i).model();
        if (e.loaded()) {
          loads.add(1);
          devices.add(e.model().manager().getDevice().toString());
        }
        lms.add(e.model());
      }
      return new Iterator<Row>() {
        final List<Row> out = new ArrayList<>();
        int pos;

        private void fill() {
          out.clear();
          pos = 0;
          List<String> ids = new ArrayList<>(p.batchSize());
          List<int[]> seqs = new ArrayList<>(p.batchSize());
          while (rows.hasNext() && ids.size() < p.batchSize()) {
            Row r = rows.next();
            ids.add(r.getString(0));
            seqs.add(p.encode(r.getString(1)));
          }
          if (ids.isEmpty()) {
            return;
          }
          double[] si = new double[ids.size()];
          for (int c = 0; c < lms.size(); c++) {
            ScoringModel m = lms.get(c);
            double[] sq =
                DjlRuntime.exclusive(
                    () -> {
                      try (var bm = m.manager().newSubManager()) {
                        Sequences.Batch b = Sequences.batch(bm, seqs, p.batchSize(), p.maxTokens());
                        return m.selfInfluence(b, p.layers(), p.lossNorm());
                      }
                    });
            for (int i = 0; i < si.length; i++) {
              si[i] += cps.get(c).eta() * sq[i];
            }
          }
          batches.add(1);
          for (int i = 0; i < si.length; i++) {
            if (!Double.isFinite(si[i])) {
              throw new IllegalStateException(
                  "self-influence of document '"
                      + ids.get(i)
                      + "' is "
                      + si[i]
                      + " (batch "
                      + ids
                      + ")");
            }
            double v = new BigDecimal(si[i]).round(DIGITS).doubleValue();
            out.add(RowFactory.create(ids.get(i), Math.max(0, seqs.get(i).length - 1), v));
          }
        }

        @Override
        public boolean hasNext() {
          if (pos < out.size()) {
            return true;
          }
          fill();
          return pos < out.size();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return out.get(pos++);
        }
      };
    };
  }

  /**
   * z = (SI − mean)/sqrt(var + ε) with exact corpus statistics; z clipped to its [clip-low,
   * clip-high] quantiles (the same as clipping exp(τz) at its quantiles, for either sign of τ); w_k
   * = exp(τ_k z) normalised to mean 1; the top drop-top-fraction by SI marked dropped.
   */
  public static Dataset<Row> weights(
      Dataset<Row> si, InfluenceParams p, long n, Map<String, Object> s) {
    if (n == 0) {
      return si.withColumn(W1, lit(1.0)).withColumn(W2, lit(1.0)).withColumn(DROPPED, lit(false));
    }
    double mean = SparkStats.exactMean(si, SI);
    double var =
        SparkStats.exactMean(si.withColumn("_d2", functions.pow(col(SI).minus(mean), 2)), "_d2");
    double sd = Math.sqrt(var + 1e-12);
    Dataset<Row> z = si.withColumn("_z", col(SI).minus(mean).divide(sd));
    Dataset<Row> ranked = SparkStats.withRank(z, SI, Columns.ID, "_r");
    double[] b = SparkStats.clipBounds(z, "_z", Columns.ID, n, p.clipLow(), p.clipHigh());
    long keep = n - (long) Math.floor(p.dropTopFraction() * n);
    Column zc = functions.least(functions.greatest(col("_z"), lit(b[0])), lit(b[1]));
    Dataset<Row> w =
        ranked
            .withColumn("_w1", functions.exp(zc.multiply(p.tau1())))
            .withColumn("_w2", functions.exp(zc.multiply(p.tau2())))
            .withColumn(DROPPED, col("_r").geq(keep));
    double m1 = SparkStats.exactMean(w, "_w1");
    double m2 = SparkStats.exactMean(w, "_w2");
    s.put("si_mean", mean);
    s.put("si_sd", sd);
    s.put("z_clip", b);
    return w.withColumn(W1, col("_w1").divide(m1)).withColumn(W2, col("_w2").divide(m2));
  }
}
