package io.reweigh.dedup.spark;

import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.spark.TaskResults;
import io.reweigh.core.stage.Timer;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.weights.RankCorrelation;
import io.reweigh.dedup.CommonnessDetails;
import io.reweigh.dedup.CommonnessParams;
import io.reweigh.dedup.DocScore;
import io.reweigh.dedup.GramTables;
import io.reweigh.dedup.ScoreMap;
import io.reweigh.dedup.SketchLm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.sketch.CountMinSketch;
import org.apache.spark.util.sketch.IncompatibleMergeException;

/**
 * Sketch mode: one count-min sketch of every gram key (histories are grams of the previous
 * position), built per partition, merged on the driver one task's sketch at a time and broadcast;
 * documents are then scored in a map pass with no shuffle (docs/softdedup.md). Each estimate
 * over-counts by at most eps × (all updates) with probability confidence; memory is 8 bytes ×
 * ceil(2/eps) × ceil(log2(1/(1−confidence))).
 */
final class SketchCommonness {
  private SketchCommonness() {}

  static final int SKETCH_SEED = 42;

  static Dataset<Row> score(
      SparkSession spark,
      Dataset<Row> docs,
      CommonnessParams p,
      CommonnessDetails.Collector stats,
      Timer timer) {
    checkMemory(spark, p);
    int n = p.order();
    Tokenizer tok = p.tokenizer();
    double eps = p.eps();
    double conf = p.confidence();
    // one sketch per task, merged on the driver one at a time (TaskResults): a tree reduce held
    // and counted several against spark.driver.maxResultSize
    CountMinSketch[] merged = {null};
    TaskResults.forEach(
        docs.select(Columns.TEXT)
            .javaRDD()
            .mapPartitions(
                it -> {
                  CountMinSketch cms = CountMinSketch.create(eps, conf, SKETCH_SEED);
                  while (it.hasNext()) {
                    SketchLm.addTo(tok.tokenIds(it.next().getString(0)), n, cms::addLong);
                  }
                  return Collections.singletonList(cms).iterator();
                }),
        cms -> {
          try {
            merged[0] = merged[0] == null ? cms : merged[0].mergeInPlace(cms);
          } catch (IncompatibleMergeException e) {
            throw new IllegalStateException("count-min sketches of one run differ", e);
          }
          return true;
        });
    CountMinSketch sketch =
        merged[0] != null ? merged[0] : CountMinSketch.create(eps, conf, SKETCH_SEED);
    long docCount = docs.count();
    // every document adds n−1 history keys plus n keys per position
    long positions = (sketch.totalCount() - (n - 1) * docCount) / n;
    timer.lap("build_sketch");
    stats.sketchEps = eps;
    stats.sketchConfidence = conf;
    stats.sketchDepth = sketch.depth();
    stats.sketchWidth = sketch.width();
    stats.sketchBytes = 8L * sketch.depth() * sketch.width();
    stats.sketchUpdates = sketch.totalCount();
    stats.sketchErrorBound = eps * sketch.totalCount();
    Broadcast<CountMinSketch> b = new JavaSparkContext(spark.sparkContext()).broadcast(sketch);
    StructType schema =
        new StructType()
            .add(Columns.ID, DataTypes.StringType, false)
            .add("lpf", DataTypes.LongType, false)
            .add("positions", DataTypes.LongType, false);
    MapPartitionsFunction<Row, Row> scoreFn =
        it -> {
          CountMinSketch cms = b.value();
          List<Row> out = new ArrayList<>();
          while (it.hasNext()) {
            Row r = it.next();
            DocScore ds =
                SketchLm.score(tok.tokenIds(r.getString(1)), n, cms::estimateCount, positions);
            out.add(RowFactory.create(r.getString(0), ds.logProbFixed(), (long) ds.positions()));
          }
          return out.iterator();
        };
    Dataset<Row> perDoc =
        docs.select(Columns.ID, Columns.TEXT).mapPartitions(scoreFn, Encoders.row(schema));
    Dataset<Row> result = ExactCommonness.finish(perDoc).persist(StorageLevel.MEMORY_AND_DISK());
    result.count();
    timer.lap("score_documents");
    if (p.validationDocs() > 0) {
      stats.validation = validate(docs, p);
      timer.lap("validation");
    }
    return result;
  }

  /**
   * Rank agreement with exact mode on a seeded sample: both models are trained and evaluated on the
   * same sample of documents, exact KN in memory, sketch LM on a local sketch of the same (eps,
   * confidence); reported as Spearman ρ of their commonness, with a note of its scope: a sample's
   * sketch is nearly exact and its histories few, so this overstates the agreement on a large
   * corpus (docs/softdedup.md, "Why sketch mode ranks far from exact").
   */
  static CommonnessDetails.Validation validate(Dataset<Row> docs, CommonnessParams p) {
    long seed = p.seed();
    List<Row> sample =
        docs.select(Columns.ID, Columns.TEXT)
            .withColumn("_h", SparkStats.seededHash(seed ^ 0x7E57L, Columns.ID))
            .orderBy("_h", Columns.ID)
            .limit(p.validationDocs())
            .collectAsList();
    List<long[]> ids = new ArrayList<>();
    for (Row r : sample) {
      ids.add(p.tokenizer().tokenIds(r.getString(1)));
    }
    if (ids.size() < 3) {
      return new CommonnessDetails.Validation(ids.size(), null, null);
    }
    // exact KN of the sample by the in-memory path's tables (the same bits as KneserNeyModel,
    // GramTablesTest), ~5× faster than the boxed reference on a 2,000-document sample
    GramTables tables = new GramTables(p.order(), 1 << 16);
    ids.forEach(tables::add);
    ScoreMap exact = tables.probabilities().logProbs();
    CountMinSketch cms = CountMinSketch.create(p.eps(), p.confidence(), SKETCH_SEED);
    long positions = 0;
    for (long[] d : ids) {
      positions += SketchLm.addTo(d, p.order(), cms::addLong);
    }
    double[] a = new double[ids.size()];
    double[] s = new double[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      a[i] = exact.score(ids.get(i), p.order()).commonness();
      s[i] = SketchLm.score(ids.get(i), p.order(), cms::estimateCount, positions).commonness();
    }
    return new CommonnessDetails.Validation(
        ids.size(),
        "both models trained on this sample only; on a whole large corpus the agreement can be far"
            + " lower (order 4 on 137 MB of real text: 0.50 against 0.98 here), see"
            + " docs/softdedup.md",
        RankCorrelation.spearman(a, s));
  }

  /** Fails fast, naming the key, when the sketch cannot fit in executor memory. */
  static void checkMemory(SparkSession spark, CommonnessParams p) {
    long bytes = p.sketchBytes();
    long available;
    if (spark.sparkContext().isLocal()) {
      available = Runtime.getRuntime().maxMemory();
    } else {
      available = spark.sparkContext().getConf().getSizeAsBytes("spark.executor.memory", "1g");
    }
    long maxResult =
        spark.sparkContext().getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
    if (maxResult > 0 && bytes >= maxResult) {
      throw PipelineErrors.usage(
          String.format(
              "softdedup.sketch.eps=%s needs a count-min sketch of %,d MB, and each task sends one"
                  + " to the driver: more than spark.driver.maxResultSize (%,d MB).",
              p.eps(), bytes >> 20, maxResult >> 20),
          "Raise spark.driver.maxResultSize above the sketch size (e.g. --conf"
              + " spark.driver.maxResultSize="
              + ((bytes >> 30) + 2)
              + "g), or raise softdedup.sketch.eps.");
    }
    // one sketch per running task plus the merge target and the broadcast copy
    if (bytes * 3 > available) {
      throw PipelineErrors.usage(
          String.format(
              "softdedup.sketch.eps=%s needs a count-min sketch of %,d MB, more than a third of the"
                  + " %,d MB of executor memory.",
              p.eps(), bytes >> 20, available >> 20),
          "Raise softdedup.sketch.eps (memory ∝ 1/eps; 1e-6 needs ~112 MB at confidence 0.99),"
              + " or give executors more memory (spark.executor.memory / driver memory in local"
              + " mode).");
    }
  }
}
