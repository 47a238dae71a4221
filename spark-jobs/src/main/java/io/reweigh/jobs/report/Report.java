package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.config.ConfigLoader;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.sampler.ShardSets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * report.html from a finished output: gathers {@link ReportData} with small Spark aggregates
 * ({@link Histograms}, {@link Scatters}, {@link Extremes} and their {@link TopDocs}, {@link
 * RejectExamples}, {@link Curves}) and renders it with {@link ReportHtml}. Used at the end of a run
 * and by {@code reweigh report OUT}.
 */
public final class Report {
  private Report() {}

  /** Writes report.html into the output. */
  public static void write(SparkSession spark, OutputDir out, Manifest manifest) {
    String html = ReportHtml.render(collect(spark, out, manifest));
    out.writeAtomically(out.resolve(Columns.REPORT), html.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads manifest.json of a finished output (exit 3 naming the path when there is none). */
  public static Manifest readManifest(OutputDir out) {
    Path p = out.resolve(Columns.MANIFEST);
    if (!out.exists(p)) {
      throw PipelineErrors.notAFinishedOutput(out.root().toString(), "it has no manifest.json.");
    }
    try {
      return OutputDir.JSON.readValue(out.readString(p), Manifest.class);
    } catch (java.io.IOException e) {
      throw PipelineErrors.notAFinishedOutput(
          out.root().toString(), "its manifest.json cannot be read: " + e.getMessage());
    }
  }

  /** The config the output's run recorded in its manifest, typed. */
  static ResolvedConfig config(OutputDir out, Manifest manifest) {
    return ConfigLoader.recorded(
        manifest.config(), "manifest.json of " + out.root() + " (its recorded config)", List.of());
  }

  /** The signals that ran (the manifest's stages) with their committed score tables. */
  static List<ScoreTable> scored(SparkSession spark, OutputDir out, Manifest manifest) {
    return ScoreTable.find(spark, out, config(out, manifest).get(Keys.STAGES));
  }

  static ReportData collect(SparkSession spark, OutputDir out, Manifest manifest) {
    ResolvedConfig config = config(out, manifest);
    Dataset<Row> shards = documents(spark, out, manifest);
    List<ScoreTable> scored = ScoreTable.find(spark, out, config.get(Keys.STAGES));
    List<ReportData.Histogram> hists = Histograms.all(shards, scored);
    List<ReportData.Scatter> scatters =
        Scatters.of(shards, scored, hists, config.get(Keys.SAMPLER_SEED));
    List<String> docColumns = new ArrayList<>();
    for (ScoreTable s : scored) {
      docColumns.addAll(s.columns());
    }
    // the lowest and highest ids and the ties at both ends come from one pass over (id, weight);
    // the text is read once, for those documents only
    Extremes ex = Extremes.of(shards);
    Map<String, Row> topRows = TopDocs.rows(shards, ex.lowIds(), ex.highIds());
    List<ReportData.Doc> lowest =
        TopDocs.docs(ex.lowIds().stream().map(topRows::get).toList(), scored);
    List<ReportData.Doc> highest =
        TopDocs.docs(ex.highIds().stream().map(topRows::get).toList(), scored);
    List<ReportData.Group> labels = labels(shards);
    return new ReportData(
        manifest,
        hists,
        scatters,
        docColumns,
        lowest,
        highest,
        manifest.counts().rejectedRows() == 0 ? List.of() : RejectExamples.of(spark, out),
        labels,
        stageOrder(scored),
        // weighting by segments (softdedup.weighting=segmented) gives many documents one weight
        ex.atMin(),
        ex.atMax(),
        Curves.evaluation(out, manifest),
        Curves.tuning(out, manifest));
  }

  /** Distinct documents of the first shard set (shards/, or shards/phase-1 with sampler.phases). */
  private static Dataset<Row> documents(SparkSession spark, OutputDir out, Manifest manifest) {
    Dataset<Row> shards = spark.read().parquet(out.path(manifest.shardSets().get(0).dir()));
    if (List.of(shards.columns()).contains(ShardSets.COPY)) {
      shards = shards.filter(col(ShardSets.COPY).equalTo(0));
    }
    return shards;
  }

  /** Documents and mean final weight per value of a {@code label} column (none without one). */
  private static List<ReportData.Group> labels(Dataset<Row> shards) {
    List<ReportData.Group> labels = new ArrayList<>();
    if (List.of(shards.columns()).contains("label")) {
      for (Row r :
          shards
              .groupBy(col("label").cast("string"))
              .agg(functions.count(functions.lit(1)), functions.avg(Columns.WEIGHT))
              .orderBy(col("label"))
              .collectAsList()) {
        labels.add(
            new ReportData.Group(
                r.isNullAt(0) ? null : r.getString(0), r.getLong(1), r.getDouble(2)));
      }
    }
    return labels;
  }

  /** ingest, each signal after its prerequisites, sampler: the order a run computes them. */
  static List<String> stageOrder(List<ScoreTable> scored) {
    List<String> order = new ArrayList<>(List.of(Columns.INGEST_STAGE));
    for (ScoreTable s : scored) {
      for (var pre : io.reweigh.jobs.SignalStages.stage(s.signal()).prerequisites()) {
        if (!order.contains(pre.name())) {
          order.add(pre.name());
        }
      }
      order.add(s.signal().name());
    }
    order.add("sampler");
    return order;
  }
}
