package io.reweigh.dedup.spark;

import static io.reweigh.dedup.spark.Positions.c;
import static io.reweigh.dedup.spark.Positions.s;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.reweigh.core.Columns;
import io.reweigh.core.stage.Timer;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.dedup.CommonnessDetails;
import io.reweigh.dedup.CommonnessParams;
import io.reweigh.dedup.CommonnessSignal;
import io.reweigh.dedup.Discounts;
import io.reweigh.dedup.DocScore;
import io.reweigh.dedup.KneserNey;
import io.reweigh.dedup.NGrams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF6;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Exact mode: interpolated modified Kneser-Ney (docs/softdedup.md), by one of two plans that give
 * the same bits ({@code softdedup.exact.path}): {@link InMemoryCommonness} when the merged n-gram
 * tables fit in the driver (chosen automatically, stated in the manifest as {@code path}),
 * otherwise the distributed plan below, which only needs Spark's spilling aggregations and joins:
 *
 * <ol>
 *   <li>T_n: every position's n-gram key, counted with a map-side-combining aggregation; each row
 *       also carries the keys of its suffixes and histories (functionally determined by the key).
 *   <li>T_k (k &lt; n): grouping the distinct (k+1)-grams of T_{k+1} by their k-gram suffix gives
 *       the continuation counts.
 *   <li>Per order: history stats (Σa, N1, N2, N3+) and counts-of-counts → discounts.
 *   <li>P_k for every distinct k-gram, bottom up by joins of distinct-gram tables.
 *   <li>Documents: positions joined to P_n, per-token log-probs summed per document in fixed point.
 *       The heaviest n-grams (for example "&lt;s&gt; &lt;s&gt; &lt;s&gt; The", or a boilerplate
 *       line in every document) are scored from a broadcast map instead of the join, so no task
 *       receives all their occurrences.
 * </ol>
 */
final class ExactCommonness {
  private ExactCommonness() {}

  /** n-grams at least this frequent are candidates for the broadcast map. */
  static final long HOT_MIN_COUNT = 64;

  /**
   * Scores: id, n_tokens (positions), log_prob, commonness; returned persisted (the caller
   * unpersists). Adds model stats and a time breakdown to {@code stats}.
   */
  static Dataset<Row> score(
      SparkSession spark,
      Dataset<Row> docs,
      CommonnessParams p,
      CommonnessDetails.Collector stats,
      Timer timer) {
    String path = p.exactPath();
    if (!path.equals("distributed")) {
      boolean forced = path.equals("in-memory");
      long driver = forced ? Long.MAX_VALUE : driverLimit(p);
      long executor = forced ? Long.MAX_VALUE : executorLimit(spark);
      InMemoryCommonness.Outcome o =
          InMemoryCommonness.score(spark, docs, p, driver, executor, stats, timer);
      if (o.scores() != null) {
        stats.path = "in-memory";
        return o.scores();
      }
      stats.pathFallback = o.fallbackReason();
      timer.lap("in_memory_attempt");
    }
    stats.path = "distributed";
    return distributed(spark, docs, p, stats, timer);
  }

  /** softdedup.exact.in-memory-limit, or a third of the driver's heap. */
  static long driverLimit(CommonnessParams p) {
    return p.inMemoryLimit() > 0 ? p.inMemoryLimit() : Runtime.getRuntime().maxMemory() / 3;
  }

  /** A quarter of an executor's heap (the driver's in local mode). */
  static long executorLimit(SparkSession spark) {
    if (spark.sparkContext().isLocal()) {
      return Runtime.getRuntime().maxMemory() / 4;
    }
    return (spark.sparkContext().executorMemory() << 20) / 4;
  }

  /** The distributed path: Spark aggregations and joins over gram tables that may spill. */
  static Dataset<Row> distributed(
      SparkSession spark,
      Dataset<Row> docs,
      CommonnessParams p,
      CommonnessDetails.Collector stats,
      Timer timer) {
    int n = p.order();
    List<Dataset<Row>> persisted = new ArrayList<>();
    // This path is for tables that do not fit in one JVM: no join of gram tables may become a
    // broadcast. Adaptive execution otherwise judges a table by its compressed shuffle size and
    // tried to broadcast one that did not fit (37 M tokens, order 3, 6 GB driver:
    // "Not enough memory to build and broadcast the table"); restored afterwards.
    String[] noBroadcast = {
      "spark.sql.autoBroadcastJoinThreshold", "spark.sql.adaptive.autoBroadcastJoinThreshold"
    };
    Map<String, String> before = new HashMap<>();
    for (String key : noBroadcast) {
      before.put(key, spark.conf().getOption(key).getOrElse(() -> null));
      spark.conf().set(key, "-1");
    }
    try {
      // 1-2: gram tables, highest order first
      Dataset<Row>[] t = tables(Positions.keys(docs, p.tokenizer(), n), n);
      for (Dataset<Row> x : t) {
        if (x != null) {
          x.persist(StorageLevel.MEMORY_AND_DISK());
          persisted.add(x);
        }
      }
      long vocab = t[1].count();
      timer.lap("count_ngrams");
      // 3-4
      Dataset<Row> pn = probabilities(t, n, stats, persisted);
      stats.vocabulary = vocab;
      timer.lap("probabilities");
      // 5
      return scoreDocuments(spark, docs, p, t[n], pn, stats, timer);
    } finally {
      for (Dataset<Row> x : persisted) {
        x.unpersist();
      }
      for (String key : noBroadcast) {
        if (before.get(key) == null) {
          spark.conf().unset(key);
        } else {
          spark.conf().set(key, before.get(key));
        }
      }
    }
  }

  /**
   * Steps 3-4: discounts and history stats per order, then P_k bottom up. Returns P_n as (s_n, lp)
   * with lp = ln P in fixed point; persisted tables are added to {@code persisted}.
   */
  private static Dataset<Row> probabilities(
      Dataset<Row>[] t, int n, CommonnessDetails.Collector stats, List<Dataset<Row>> persisted) {
    long vocab = t[1].count();
    Dataset<Row> lower = null;
    Map<String, CommonnessDetails.Order> orders = new LinkedHashMap<>();
    for (int k = 1; k <= n; k++) {
      Discounts d = discounts(t[k]);
      Dataset<Row> ctx =
          t[k].groupBy(col(c(k)))
              .agg(
                  sum(col("a")).as("sum"),
                  sum(when(col("a").equalTo(1), 1L).otherwise(0L)).as("n1"),
                  sum(when(col("a").equalTo(2), 1L).otherwise(0L)).as("n2"),
                  sum(when(col("a").geq(3), 1L).otherwise(0L)).as("n3"));
      Dataset<Row> j = t[k].join(ctx, c(k));
      Column lowerP;
      if (k == 1) {
        lowerP = lit(1.0 / vocab);
      } else {
        j = j.join(lower.withColumnRenamed("p", "plow"), s(k - 1));
        lowerP = col("plow");
      }
      Dataset<Row> pk =
          j.select(
              col(s(k)),
              kn(d).apply(col("a"), col("sum"), col("n1"), col("n2"), col("n3"), lowerP).as("p"));
      pk.persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(pk);
      orders.put(
          String.valueOf(k), new CommonnessDetails.Order(d.d1(), d.d2(), d.d3(), t[k].count()));
      lower = pk;
    }
    stats.orders = orders;
    return lower.select(
        col(s(n)),
        functions
            .udf(
                (org.apache.spark.sql.api.java.UDF1<Double, Long>)
                    x -> DocScore.toFixed(StrictMath.log(x)),
                DataTypes.LongType)
            .apply(col("p"))
            .as("lp"));
  }

  /**
   * Step 5: every position of every document joined to P_n (the heaviest n-grams from a broadcast
   * map instead), summed per document in fixed point. Returned persisted and materialised, so the
   * caller may release the gram tables.
   */
  private static Dataset<Row> scoreDocuments(
      SparkSession spark,
      Dataset<Row> docs,
      CommonnessParams p,
      Dataset<Row> tn,
      Dataset<Row> pn,
      CommonnessDetails.Collector stats,
      Timer timer) {
    int n = p.order();
    Tokenizer tok = p.tokenizer();
    Map<Long, Long> hot = new HashMap<>();
    for (Row r :
        tn.filter(col("a").geq(HOT_MIN_COUNT))
            .orderBy(col("a").desc(), col(s(n)))
            .limit(CommonnessSignal.HOT_KEYS)
            .select(s(n))
            .join(pn, s(n))
            .collectAsList()) {
      hot.put(r.getLong(0), r.getLong(1));
    }
    stats.hotNgrams = hot.size();
    timer.lap("hot_ngrams");
    Broadcast<Map<Long, Long>> hotB = new JavaSparkContext(spark.sparkContext()).broadcast(hot);
    StructType posSchema =
        new StructType()
            .add(Columns.ID, DataTypes.StringType, false)
            .add(s(n), DataTypes.LongType, false)
            .add("lp", DataTypes.LongType, true);
    FlatMapFunction<Row, Row> explode =
        r -> {
          String id = r.getString(0);
          Map<Long, Long> h = hotB.value();
          List<Row> out = new ArrayList<>();
          NGrams.forEachPosition(
              tok.tokenIds(r.getString(1)),
              n,
              (pos, sk, ck) -> out.add(RowFactory.create(id, sk[n - 1], h.get(sk[n - 1]))));
          return out.iterator();
        };
    Dataset<Row> positions =
        docs.select(Columns.ID, Columns.TEXT).flatMap(explode, Encoders.row(posSchema));
    Dataset<Row> cold =
        positions.filter(col("lp").isNull()).drop("lp").join(pn, s(n)).select(Columns.ID, "lp");
    Dataset<Row> all = positions.filter(col("lp").isNotNull()).select(Columns.ID, "lp").union(cold);
    Dataset<Row> perDoc =
        all.groupBy(Columns.ID).agg(sum(col("lp")).as("lpf"), count(lit(1)).as("positions"));
    // materialise before the intermediate tables are released
    Dataset<Row> result = finish(perDoc).persist(StorageLevel.MEMORY_AND_DISK());
    result.count();
    timer.lap("score_documents");
    return result;
  }

  /** id, lpf (fixed-point log-prob), positions → id, n_tokens, log_prob, commonness. */
  static Dataset<Row> finish(Dataset<Row> perDoc) {
    return perDoc.select(
        col(Columns.ID),
        col("positions").cast("int").as(Columns.N_TOKENS),
        functions
            .udf(
                (org.apache.spark.sql.api.java.UDF1<Long, Double>) DocScore::fromFixed,
                DataTypes.DoubleType)
            .apply(col("lpf"))
            .as(CommonnessSignal.LOG_PROB),
        functions
            .udf(
                (org.apache.spark.sql.api.java.UDF2<Long, Long, Double>) DocScore::commonness,
                DataTypes.DoubleType)
            .apply(col("lpf"), col("positions"))
            .as(CommonnessSignal.COMMONNESS));
  }

  /** t[k] for k = 1..n: s_k, a, c_k, s_{k-1}, c_{k-1}, …, s_1, c_1. */
  @SuppressWarnings("unchecked")
  static Dataset<Row>[] tables(Dataset<Row> positions, int n) {
    Dataset<Row>[] t = new Dataset[n + 1];
    t[n] = groupTo(positions, n, count(lit(1)).as("a"));
    for (int k = n - 1; k >= 1; k--) {
      t[k] = groupTo(t[k + 1], k, count(lit(1)).as("a"));
    }
    return t;
  }

  private static Dataset<Row> groupTo(Dataset<Row> in, int k, Column countCol) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(first(col(c(k))).as(c(k)));
    for (int i = k - 1; i >= 1; i--) {
      aggs.add(first(col(s(i))).as(s(i)));
      aggs.add(first(col(c(i))).as(c(i)));
    }
    return in.groupBy(col(s(k))).agg(countCol, aggs.toArray(Column[]::new));
  }

  static Discounts discounts(Dataset<Row> tk) {
    long[] coc = new long[6]; // index 1..4: count exactly i; 5: more
    for (Row r : tk.groupBy(functions.least(col("a"), lit(5L)).as("c")).count().collectAsList()) {
      coc[(int) r.getLong(0)] = r.getLong(1);
    }
    return Discounts.fromCountsOfCounts(coc[1], coc[2], coc[3], coc[4]);
  }

  private static UserDefinedFunction kn(Discounts d) {
    return functions.udf(
        (UDF6<Long, Long, Long, Long, Long, Double, Double>)
            (a, sum, n1, n2, n3, lower) ->
                KneserNey.interpolate(a, new KneserNey.ContextStats(sum, n1, n2, n3), d, lower),
        DataTypes.DoubleType);
  }
}
