package io.reweigh.influence.coreset.spark;

import static io.reweigh.influence.spark.ScratchColumns.HASH;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.influence.coreset.CoresetParams;
import io.reweigh.influence.coreset.HashedEmbedding;
import io.reweigh.influence.spark.ProxyModelStage;
import io.reweigh.influence.spark.ScratchColumns;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Step 1 of the coreset stage (docs/coreset.md): every document's features (hashed n-gram TF-IDF,
 * or the proxy embedding, {@link ProxyEmbedding}) on a partitioning that depends on the data only.
 */
final class CoresetEmbedding {
  private CoresetEmbedding() {}

  /** The features column of the embedded documents (id, features). */
  static final String FEATURES = ScratchColumns.FEATURES;

  /** Rows per k-means partition: the partitioning follows from the data, not the cluster. */
  static final long ROWS_PER_PARTITION = 100_000;

  /**
   * (id, features) of the n documents of {@code base} (id, text), in ⌈n / 100,000⌉ partitions by a
   * seeded hash of the id, sorted within each by that hash and the id.
   */
  static Dataset<Row> embed(
      SparkSession spark,
      JavaSparkContext jsc,
      Dataset<Row> base,
      CoresetParams p,
      List<ProxyModelStage.Checkpoint> checkpoints,
      long n) {
    int parts =
        (int) Math.max(1, Math.min(10_000, (n + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
    return (p.proxyEmbedding()
            ? ProxyEmbedding.embed(spark, base, p.influence(), checkpoints)
            : hashed(jsc, base, p, n))
        .withColumn(HASH, SparkStats.seededHash(p.seed(), Columns.ID))
        .repartition(parts, functions.pmod(col(HASH), lit(parts)))
        .sortWithinPartitions(col(HASH), col(Columns.ID))
        .drop(HASH);
  }

  /** Hashed n-gram TF-IDF vectors: document frequencies per bucket, then idf-weighted counts. */
  static Dataset<Row> hashed(JavaSparkContext jsc, Dataset<Row> base, CoresetParams p, long n) {
    Tokenizer tok = p.influence().tokenizer();
    int dim = p.hashedDim();
    int order = p.hashedOrder();
    long[] df =
        base.select(Columns.TEXT)
            .javaRDD()
            .map(r -> HashedEmbedding.counts(tok.tokenIds(r.getString(0)), dim, order)[0])
            .aggregate(
                new long[dim],
                (acc, idx) -> {
                  for (int i : idx) {
                    acc[i]++;
                  }
                  return acc;
                },
                (a, b) -> {
                  for (int i = 0; i < a.length; i++) {
                    a[i] += b[i];
                  }
                  return a;
                });
    Broadcast<double[]> idf = jsc.broadcast(HashedEmbedding.idf(df, n));
    return base.select(
        col(Columns.ID),
        functions
            .udf(
                (org.apache.spark.sql.api.java.UDF1<String, Vector>)
                    t -> {
                      int[][] c = HashedEmbedding.counts(tok.tokenIds(t), dim, order);
                      return Vectors.sparse(dim, c[0], HashedEmbedding.values(c, idf.value()));
                    },
                SQLDataTypes.VectorType())
            .apply(col(Columns.TEXT))
            .as(FEATURES));
  }
}
