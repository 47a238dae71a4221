package io.reweigh.dedup.neardup.spark;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import io.reweigh.core.Columns;
import io.reweigh.core.hash.Hash64;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.dedup.neardup.MinHash;
import io.reweigh.dedup.neardup.NearDupParams;
import io.reweigh.dedup.neardup.NearDupSignal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The near-duplicate stage (docs/neardup.md). One pass computes every document's MinHash signature
 * and band keys; each LSH bucket (documents sharing a band key) is reduced by an aggregation to its
 * size and its hub (the member with the smallest seeded hash of its id), and every other member
 * becomes a candidate pair with the hub: n − 1 pairs for a bucket of n, never n². Buckets larger
 * than {@code neardup.max-bucket} reach their members through a broadcast of the few hubs, so that
 * a boilerplate bucket of 100,000 documents is not one task. Candidates whose estimated Jaccard
 * reaches {@code neardup.threshold} are the edges of a graph whose connected components ({@link
 * ConnectedComponents}) are the clusters. Output columns: id, cluster_id, cluster_size,
 * weight_neardup.
 */
public final class NearDupStage {
  private NearDupStage() {}

  private static final int MAX_ROUNDS = 64;

  public static StageStats run(
      SparkSession spark, Dataset<Row> docs, NearDupParams p, String path) {
    Map<String, Object> stats = new LinkedHashMap<>();
    Timer timer = new Timer();
    stats.put("shingle", p.shingle());
    stats.put("hashes", p.hashes());
    stats.put("bands", p.bands());
    stats.put("rows_per_band", p.rows());
    stats.put("threshold", p.threshold());
    stats.put("lsh_threshold", round(MinHash.threshold(p.bands(), p.rows())));
    stats.put(
        "candidate_probability",
        Map.of(
            "j_0.5", round(MinHash.candidateProbability(0.5, p.bands(), p.rows())),
            "j_0.7", round(MinHash.candidateProbability(0.7, p.bands(), p.rows())),
            "j_0.8", round(MinHash.candidateProbability(0.8, p.bands(), p.rows())),
            "j_0.9", round(MinHash.candidateProbability(0.9, p.bands(), p.rows()))));

    Dataset<Row> sigs = signatures(docs, p).persist(StorageLevel.MEMORY_AND_DISK());
    List<Dataset<Row>> cached = new ArrayList<>(List.of(sigs));
    try {
      long n = sigs.count();
      timer.lap("signatures");
      Dataset<Row> candidates = candidates(sigs, p, stats);
      cached.add(candidates);
      timer.lap("candidates");
      Dataset<Row> edges = verified(sigs, candidates, p).persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(edges);
      stats.put("verified_pairs", edges.count());
      timer.lap("verify");
      ConnectedComponents.Result cc =
          ConnectedComponents.of(edges, MAX_ROUNDS, p.singleTaskEdges());
      stats.put("components_path", cc.singleTask() ? "single-task" : "distributed");
      stats.put("components_rounds", cc.rounds());
      timer.lap("components");
      Dataset<Row> clusters = clusters(sigs, cc.labels()).persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(clusters);
      double mean = meanRawWeight(clusters, p.power(), n, stats);
      clusters
          .select(
              col(Columns.ID),
              col(NearDupSignal.CLUSTER_ID),
              col(NearDupSignal.CLUSTER_SIZE),
              pow(col(NearDupSignal.CLUSTER_SIZE).cast("double"), lit(-p.power()))
                  .divide(lit(mean))
                  .as(NearDupSignal.WEIGHT))
          .write()
          .option("compression", "zstd")
          .parquet(path);
      timer.lap("write");
      Dataset<Row> written = spark.read().parquet(path);
      long rows = written.count();
      if (rows != n) {
        throw new IllegalStateException("neardup wrote " + rows + " rows for " + n + " documents");
      }
      stats.put(
          "weight", SparkStats.summaries(written, NearDupSignal.WEIGHT).get(NearDupSignal.WEIGHT));
      timer.lap("summary");
      timer.into(stats);
      return StageStats.of(rows, stats);
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  private static double round(double x) {
    return Math.round(x * 1e4) / 1e4;
  }

  static final StructType SIG_SCHEMA =
      new StructType()
          .add(Columns.ID, DataTypes.StringType, false)
          .add("node", DataTypes.LongType, false)
          .add("rank", DataTypes.LongType, false)
          .add("sig", DataTypes.createArrayType(DataTypes.LongType, false), false)
          .add("keys", DataTypes.createArrayType(DataTypes.LongType, false), false);

  /**
   * (id, node, rank, sig, keys) per document: node a unique long (Spark's monotonically increasing
   * id: nothing computed from it depends on its value, only on its identity), rank the seeded hash
   * of the id that picks hubs, sig the MinHash signature, keys the band keys.
   */
  static Dataset<Row> signatures(Dataset<Row> docs, NearDupParams p) {
    MinHash mh = p.minHash();
    long seed = p.seed();
    int bands = p.bands();
    int rows = p.rows();
    Tokenizer tok = p.tokenizer();
    MapFunction<Row, Row> f =
        r -> {
          String id = r.getString(0);
          long[] sig = mh.signature(tok.tokenIds(r.getString(1)));
          if (sig == null) {
            // ingest rejects texts without tokens (docs/guarantees.md): a usable one has some
            throw new IllegalStateException("document " + id + " has no tokens");
          }
          long[] keys = MinHash.bandKeys(sig, bands, rows);
          return RowFactory.create(
              id, r.getLong(2), Hash64.seeded(seed, id), boxed(sig), boxed(keys));
        };
    return docs.select(col(Columns.ID), col(Columns.TEXT), monotonically_increasing_id().as("node"))
        .map(f, Encoders.row(SIG_SCHEMA));
  }

  private static Long[] boxed(long[] a) {
    Long[] b = new Long[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }

  /**
   * Candidate pairs (u, v) of nodes: each bucket's members paired with its hub. Records the number
   * of buckets with two or more members, the largest, and those over neardup.max-bucket.
   */
  static Dataset<Row> candidates(Dataset<Row> sigs, NearDupParams p, Map<String, Object> stats) {
    Dataset<Row> members =
        sigs.select(col("node"), col("rank"), expr("explode(keys)").as("key"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> buckets =
        members
            .groupBy("key")
            .agg(count(lit(1)).as("size"), min(struct(col("rank"), col("node"))).as("hub"))
            .where(col("size").geq(2))
            .select(col("key").as("bkey"), col("size"), col("hub.node").as("hub"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Row agg =
        buckets
            .agg(
                count(lit(1)),
                max(col("size")),
                sum(expr("case when size > " + p.maxBucket() + " then 1 else 0 end")),
                sum(expr("case when size > " + p.maxBucket() + " then size else 0 end")))
            .first();
    long big = agg.isNullAt(2) ? 0 : agg.getLong(2);
    stats.put("buckets_shared", agg.getLong(0));
    stats.put("largest_bucket", agg.isNullAt(1) ? 0 : agg.getLong(1));
    stats.put("buckets_over_max_bucket", big);
    stats.put("members_of_buckets_over_max_bucket", agg.isNullAt(3) ? 0 : agg.getLong(3));
    Dataset<Row> pairs;
    boolean broadcastAll = agg.getLong(0) <= p.broadcastBuckets();
    stats.put("buckets_join", broadcastAll ? "broadcast" : "shuffle");
    if (broadcastAll) {
      // few shared buckets (the common case): every member meets its hub without a shuffle
      pairs = pairsWithHub(members, broadcast(buckets));
    } else {
      Dataset<Row> small = buckets.where(col("size").leq(p.maxBucket()));
      pairs = pairsWithHub(members, small);
      if (big > 0) {
        Dataset<Row> large = buckets.where(col("size").gt(p.maxBucket()));
        pairs = pairs.union(pairsWithHub(members, broadcast(large)));
      }
    }
    // persisted and counted before the members and buckets it is made of are released, so that it
    // is computed once
    Dataset<Row> out = ConnectedComponents.canonical(pairs).persist(StorageLevel.MEMORY_AND_DISK());
    stats.put("candidate_pairs", out.count());
    members.unpersist();
    buckets.unpersist();
    return out;
  }

  private static Dataset<Row> pairsWithHub(Dataset<Row> members, Dataset<Row> buckets) {
    return members
        .join(buckets, members.col("key").equalTo(buckets.col("bkey")))
        .select(col("hub").as(ConnectedComponents.U), col("node").as(ConnectedComponents.V));
  }

  /** The candidate pairs whose signatures agree in at least threshold × hashes positions. */
  static Dataset<Row> verified(Dataset<Row> sigs, Dataset<Row> candidates, NearDupParams p) {
    int need = (int) Math.ceil(p.threshold() * p.hashes() - 1e-9);
    Dataset<Row> a = sigs.select(col("node").as("an"), col("sig").as("as"));
    Dataset<Row> b = sigs.select(col("node").as("bn"), col("sig").as("bs"));
    return candidates
        .join(a, candidates.col(ConnectedComponents.U).equalTo(a.col("an")))
        .join(b, candidates.col(ConnectedComponents.V).equalTo(b.col("bn")))
        .where(
            expr("aggregate(zip_with(`as`, bs, (x, y) -> if(x = y, 1, 0)), 0, (s, x) -> s + x)")
                .geq(need))
        .select(col(ConnectedComponents.U), col(ConnectedComponents.V));
  }

  /**
   * (id, cluster_id, cluster_size) for every document: a document in no verified pair is its own
   * cluster of one; cluster_id is the smallest id of the cluster.
   */
  static Dataset<Row> clusters(Dataset<Row> sigs, Dataset<Row> labels) {
    Dataset<Row> l =
        labels.select(col(ConnectedComponents.NODE).as("ln"), col(ConnectedComponents.LABEL));
    Dataset<Row> withLabel =
        sigs.select(col(Columns.ID), col("node"))
            .join(l, col("node").equalTo(col("ln")), "left")
            .select(col(Columns.ID), coalesce(col(ConnectedComponents.LABEL), col("node")).as("c"));
    Dataset<Row> sizes =
        withLabel
            .groupBy("c")
            .agg(
                min(col(Columns.ID)).as(NearDupSignal.CLUSTER_ID),
                count(lit(1)).cast("int").as(NearDupSignal.CLUSTER_SIZE))
            .withColumnRenamed("c", "sc");
    return withLabel
        .join(sizes, col("c").equalTo(col("sc")))
        .select(col(Columns.ID), col(NearDupSignal.CLUSTER_ID), col(NearDupSignal.CLUSTER_SIZE));
  }

  /**
   * The exact mean of size^−power over all documents, from the count of documents per cluster size
   * (a small table); records the clusters of two or more, their documents and the largest.
   */
  static double meanRawWeight(
      Dataset<Row> clusters, double power, long n, Map<String, Object> stats) {
    List<Row> bySize =
        clusters
            .groupBy(NearDupSignal.CLUSTER_SIZE)
            .agg(count(lit(1)))
            .orderBy(NearDupSignal.CLUSTER_SIZE)
            .collectAsList();
    double[] values = new double[bySize.size()];
    long[] counts = new long[bySize.size()];
    long clustered = 0;
    long groups = 0;
    int largest = 1;
    for (int i = 0; i < bySize.size(); i++) {
      int size = bySize.get(i).getInt(0);
      counts[i] = bySize.get(i).getLong(1);
      values[i] = Math.pow(size, -power);
      if (size > 1) {
        clustered += counts[i];
        groups += counts[i] / size;
      }
      largest = Math.max(largest, size);
    }
    stats.put("clusters", groups);
    stats.put("documents_in_clusters", clustered);
    stats.put("largest_cluster", largest);
    stats.put("documents", n);
    return SparkStats.exactMeanOfGroups(values, counts);
  }
}
