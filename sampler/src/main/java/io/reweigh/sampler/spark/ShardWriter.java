package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.sampler.DomainTargets;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.ShardSize;
import io.reweigh.sampler.Systematic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The sampler (docs/trainers.md): joins the committed score tables to the usable documents ({@link
 * ScoreJoin}) and writes one or two shard sets. Per shard set: the final weight ({@link Weighting}:
 * product of powers, clipped, mean 1, domain factors); in resample mode the copies ({@link
 * CopyDraw}) spread through the stream by {@link Systematic#spread}; then a global order (weighted:
 * seeded hash of the id; resample: the copies' spread positions), cut into shards by rows, bytes or
 * tokens ({@link ShardCut}), written as part-NNNNN-of-MMMMM.parquet (zstd) with their sha256
 * ({@link ShardFiles}). All sums, ranks and prefixes are exact, so the bytes do not depend on
 * partitioning.
 */
public final class ShardWriter {
  /**
   * Shard assignments up to this many rows are broadcast to the final join (ShardCut); beyond, a
   * shuffle join (reweigh validate says which).
   */
  public static final long BROADCAST_ROWS = 2_000_000;

  private ShardWriter() {}

  /** Columns of the docs table that are not carried to the shards (n_tokens is: trainers count). */
  private static final Set<String> INTERNAL =
      Set.of(
          Columns.SOURCE_FILE,
          Columns.SOURCE_ROW,
          Columns.REJECT_REASON,
          Columns.REJECT_DETAIL,
          Columns.RAW);

  /** What every shard set reads: the cached narrow table, its first-pass totals, the targets. */
  private record Input(
      Dataset<Row> narrow, ScoreJoin.Totals totals, DomainTargets targets, ShardCut.Output out) {}

  /**
   * Writes the shard sets under {@code tmpDir/shards}; the caller moves that folder into place.
   *
   * @param docs usable documents (ingest table): id, text, domain, extras, n_tokens, …
   * @param tables score table of each signal in params, keyed by signal name: id + weight columns
   */
  public static ShardSets.Result write(
      SparkSession spark,
      Dataset<Row> docs,
      Map<String, Dataset<Row>> tables,
      SamplerParams params,
      Path tmpDir) {
    List<String> carried = carried(docs, params);
    ScoreJoin.Joined joined = ScoreJoin.join(docs, carried, tables, params);
    describe(spark, "sampler: join score tables");
    Dataset<Row> narrow = joined.rows().persist(StorageLevel.MEMORY_AND_DISK());
    List<Dataset<Row>> cached = new ArrayList<>(List.of(narrow));
    try {
      ScoreJoin.Totals totals = ScoreJoin.totals(narrow, params);
      DomainTargets targets = DomainTargetsFile.load(spark, params.domainTargets());
      if (targets != null) {
        Weighting.requireDomains(narrow);
      }
      Input in = new Input(narrow, totals, targets, output(docs, carried, joined, params));
      List<ShardSets.SetResult> sets = new ArrayList<>();
      List<ShardSets.ShardInfo> shards = new ArrayList<>();
      Dataset<Row> sampledIds = null;
      for (SamplerParams.ShardSet set : params.shardSets()) {
        Weighed ws = weigh(spark, in, params, set);
        cached.add(ws.rows());
        Dataset<Row> weighted = ws.rows();
        SetBuilder b = ws.builder();
        Dataset<Row> rows;
        Column[] order;
        if (params.resample()) {
          describe(spark, "sampler: resample " + set.dir() + " to its token budget");
          Dataset<Row> copies = CopyDraw.copies(spark, weighted, params, set, totals.tokens(), b);
          cached.add(copies);
          Dataset<Row> ids = CopyDraw.drawn(copies);
          sampledIds = sampledIds == null ? ids : sampledIds.union(ids);
          rows = CopyDraw.rows(weighted, copies, params.seed());
          order = CopyDraw.order();
        } else {
          rows =
              weighted.withColumn(Scratch.ORDER, SparkStats.seededHash(params.seed(), Columns.ID));
          order = new Column[] {col(Scratch.ORDER), col(Columns.ID)};
          b.documents = totals.rows();
          b.ordered = totals.rows();
        }
        Column bytes = col(Scratch.DOC_BYTES).plus(lit(8L * in.out().added().size()));
        rows = rows.withColumn(Scratch.SIZE, size(params.shardSize(), bytes));
        shards.addAll(ShardCut.cut(spark, rows, order, in.out(), params, set, tmpDir, b));
        sets.add(b.build(params));
      }
      describe(spark, "sampler: count documents");
      long n = totals.rows();
      long documents = sampledIds == null ? n : sampledIds.distinct().count();
      return new ShardSets.Result(sets, shards, documents, n - documents);
    } finally {
      cached.forEach(Dataset::unpersist);
      spark.sparkContext().setJobDescription(null);
    }
  }

  /**
   * The docs columns carried to the shards (a {@code copy} column is an error in resample mode).
   */
  private static List<String> carried(Dataset<Row> docs, SamplerParams params) {
    List<String> carried = new ArrayList<>();
    for (String c : docs.columns()) {
      if (!INTERNAL.contains(c)) {
        carried.add(c);
      }
    }
    if (params.resample() && carried.contains(ShardSets.COPY)) {
      throw PipelineErrors.usage(
          "The input has a column named '" + ShardSets.COPY + "', which resample mode writes.",
          "Rename that column in the input, or use sampler.mode=weighted.");
    }
    return carried;
  }

  /** The full rows and the columns the shards get: carried, weight, copy, signal columns. */
  private static ShardCut.Output output(
      Dataset<Row> docs, List<String> carried, ScoreJoin.Joined joined, SamplerParams params) {
    List<String> added = new ArrayList<>(List.of(Columns.WEIGHT));
    if (params.resample()) {
      added.add(ShardSets.COPY);
    }
    added.addAll(joined.signalColumns());
    List<String> out = new ArrayList<>(carried);
    out.addAll(added);
    Dataset<Row> full = docs.select(carried.stream().map(c -> col(c)).toArray(Column[]::new));
    return new ShardCut.Output(full, added, out);
  }

  /** A shard set's weighted rows (cached) and the collector of its numbers. */
  private record Weighed(Dataset<Row> rows, SetBuilder builder) {}

  /** Weighs the shard set's rows and starts its numbers. */
  private static Weighed weigh(
      SparkSession spark, Input in, SamplerParams params, SamplerParams.ShardSet set) {
    describe(spark, "sampler: weights of " + set.dir());
    Weighting.Weighted w =
        Weighting.weigh(
            in.narrow(), params, set, in.totals().rows(), in.targets(), in.totals().missing());
    Dataset<Row> rows = w.rows().persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, String> weightColumns = new LinkedHashMap<>();
    params.signals().forEach(s -> weightColumns.put(s.name(), s.columnFor(set)));
    return new Weighed(rows, new SetBuilder(set, weightColumns, w.stats(), w.domains()));
  }

  /** A row's size in the shard size's unit ({@code bytes}: the shard-bytes estimate). */
  private static Column size(ShardSize size, Column bytes) {
    switch (size.unit()) {
      case ROWS:
        return lit(1L);
      case TOKENS:
        return functions.coalesce(col(Columns.N_TOKENS).cast("long"), lit(0L));
      default:
        return bytes;
    }
  }

  /** Names the Spark jobs that follow in the Spark UI (and in event logs). */
  static void describe(SparkSession spark, String what) {
    spark.sparkContext().setJobDescription("reweigh " + what);
  }
}
