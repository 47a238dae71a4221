package io.reweigh.dedup.spark;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.TaskResults;
import io.reweigh.core.stage.Timer;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.dedup.CommonnessDetails;
import io.reweigh.dedup.CommonnessParams;
import io.reweigh.dedup.CommonnessSignal;
import io.reweigh.dedup.DocScore;
import io.reweigh.dedup.GramTables;
import io.reweigh.dedup.ScoreMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Exact mode's in-memory path (docs/softdedup.md, "Two exact paths"): no shuffle of n-grams.
 *
 * <ol>
 *   <li>Each task counts its documents into primitive {@link GramTables} and ships them as one or
 *       more long arrays (a task ships its table whenever it reaches {@link #SHIP_LONGS}), which
 *       reach the driver one at a time ({@link TaskResults}: handed over in memory in local mode,
 *       persisted and fetched on a cluster).
 *   <li>The driver merges them (fetching the next array while it merges one), stopping as soon as
 *       the merged tables exceed the limit (the caller then takes the distributed path), and
 *       computes every highest-order gram's ln P.
 *   <li>The ln P map is broadcast once per executor and every document is scored in one pass.
 * </ol>
 *
 * Same statistics and formulas as {@link ExactCommonness}'s distributed path, hence the same bits
 * (CommonnessStageTest checks both against the in-memory reference model).
 */
final class InMemoryCommonness {
  private InMemoryCommonness() {}

  /**
   * A task ships its tables when they reach this many longs (32 MB): one array is one task result,
   * which stays under Kryo's default 64 MB buffer (spark.kryoserializer.buffer.max) and bounds a
   * task's memory.
   */
  static final long SHIP_LONGS = 4L << 20;

  private static long[] longs(byte[] b) {
    long[] out = new long[b.length / 8];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
    return out;
  }

  /**
   * Tables travel as bytes: a serializer copies a byte[] as is, while Kryo writes a long[] one
   * variable-length long at a time (fetching took 3.0 s instead of 2.1 s on 37 M tokens at order 3,
   * docs/benchmarks.md).
   */
  private static byte[] bytes(long[] a) {
    ByteBuffer b = ByteBuffer.allocate(8 * a.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(a);
    return b.array();
  }

  /**
   * A task's tables, one array each time they reach {@link #SHIP_LONGS}, then the rest: lazily, so
   * the driver merges one while the task counts the next (in local mode the arrays are handed over
   * as they come) and a task holds one table, whose grown arrays it reuses (GramTables.clear).
   */
  private static final class TableStream implements Iterator<byte[]> {
    private final Iterator<Row> rows;
    private final Tokenizer tok;
    private final GramTables t;
    private boolean done;

    TableStream(Iterator<Row> rows, Tokenizer tok, int n) {
      this.rows = rows;
      this.tok = tok;
      this.t = new GramTables(n, 1 << 16);
    }

    @Override
    public boolean hasNext() {
      return !done;
    }

    @Override
    public byte[] next() {
      if (done) {
        throw new java.util.NoSuchElementException();
      }
      while (rows.hasNext()) {
        t.add(tok.tokenIds(rows.next().getString(0)));
        if (t.arrayLength() > SHIP_LONGS) {
          byte[] b = bytes(t.toArray());
          t.clear();
          return b;
        }
      }
      done = true;
      return bytes(t.toArray());
    }
  }

  /** The merged tables did not fit: why, for the manifest. */
  record Outcome(Dataset<Row> scores, String fallbackReason) {}

  static Outcome score(
      SparkSession spark,
      Dataset<Row> docs,
      CommonnessParams p,
      long driverLimit,
      long executorLimit,
      CommonnessDetails.Collector stats,
      Timer timer) {
    int n = p.order();
    Tokenizer tok = p.tokenizer();
    JavaRDD<byte[]> parts =
        docs.select(Columns.TEXT)
            .javaRDD()
            .mapPartitions((Iterator<Row> it) -> new TableStream(it, tok, n));
    // the driver merges each order on its own thread (the orders share nothing): 1.3–1.9× faster
    // merging of 16 task tables on 2 cores (docs/benchmarks.md, "A leaner ingest")
    try (MergeThreads threads = new MergeThreads(Math.min(n, cores()))) {
      java.util.concurrent.ExecutorService pool = threads.pool;
      // merged tables (an array so that they can be released once the probabilities are computed)
      GramTables[] merged = {new GramTables(n, 1 << 20)};
      long[] shipped = {0};
      boolean fits =
          TaskResults.forEach(
              parts,
              bytes -> {
                shipped[0] += bytes.length;
                merged[0].merge(longs(bytes), pool);
                return merged[0].bytes() <= driverLimit;
              });
      GramTables g = merged[0];
      if (!fits) {
        return new Outcome(
            null,
            String.format(
                java.util.Locale.ROOT,
                "merged n-gram tables passed %,d bytes (softdedup.exact.in-memory-limit) after"
                    + " %,d distinct grams",
                driverLimit,
                g.entries()));
      }
      long need = ScoreMap.bytesFor(g.distinct(n));
      if (need > executorLimit) {
        return new Outcome(
            null,
            String.format(
                java.util.Locale.ROOT,
                "the ln P map of %,d %d-grams needs %,d bytes per executor, over %,d",
                g.distinct(n),
                n,
                need,
                executorLimit));
      }
      long mergedBytes = g.bytes();
      timer.lap("count_ngrams");
      // the per-gram loops on the merge's threads: same values, ~2x faster on 2 cores
      GramTables.Probabilities pr = g.probabilities(pool);
      merged[0] = null;
      g = null;
      stats.vocabulary = pr.vocabulary();
      Map<String, CommonnessDetails.Order> orders = new LinkedHashMap<>();
      for (int k = 1; k <= n; k++) {
        orders.put(String.valueOf(k), pr.orders().get(k - 1));
      }
      stats.orders = orders;
      stats.inMemory =
          new CommonnessDetails.InMemoryPlan(
              driverLimit,
              executorLimit,
              mergedBytes,
              pr.logProbs().bytes(),
              shipped[0],
              TaskResults.way(spark.sparkContext().master()));
      timer.lap("probabilities");
      Dataset<Row> result = scoreDocuments(spark, docs, pr.logProbs(), tok, n);
      timer.lap("score_documents");
      return new Outcome(result, null);
    }
  }

  /**
   * Every document scored from the broadcast ln P map in one pass (the map is fetched once per
   * executor and cached), persisted and counted.
   */
  private static Dataset<Row> scoreDocuments(
      SparkSession spark, Dataset<Row> docs, ScoreMap logProbs, Tokenizer tok, int n) {
    Broadcast<ScoreMap> lp = new JavaSparkContext(spark.sparkContext()).broadcast(logProbs);
    StructType schema =
        new StructType()
            .add(Columns.ID, DataTypes.StringType, false)
            .add(Columns.N_TOKENS, DataTypes.IntegerType, false)
            .add(CommonnessSignal.LOG_PROB, DataTypes.DoubleType, false)
            .add(CommonnessSignal.COMMONNESS, DataTypes.DoubleType, false);
    MapFunction<Row, Row> scoreDoc =
        r -> {
          DocScore s = lp.value().score(tok.tokenIds(r.getString(1)), n);
          return RowFactory.create(r.getString(0), s.positions(), s.logProb(), s.commonness());
        };
    Dataset<Row> result =
        docs.select(Columns.ID, Columns.TEXT)
            .map(scoreDoc, Encoders.row(schema))
            .persist(StorageLevel.MEMORY_AND_DISK());
    result.count();
    return result;
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** The driver's merge threads (none on one core), shut down when the stage is done with them. */
  private static final class MergeThreads implements AutoCloseable {
    final java.util.concurrent.ExecutorService pool;

    MergeThreads(int threads) {
      pool =
          threads <= 1
              ? null
              : java.util.concurrent.Executors.newFixedThreadPool(
                  threads,
                  r -> {
                    Thread t = new Thread(r, "reweigh-gram-merge");
                    t.setDaemon(true);
                    return t;
                  });
    }

    @Override
    public void close() {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }
}
