package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.error.SamplerErrors;
import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.RatioSearch;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.Systematic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Resample mode for one shard set (docs/trainers.md): the ratio for its token budget ({@link
 * Resampling}), the copies each document draws, and one row per copy ({@link ShardSets#COPY})
 * placed in the stream by {@link Systematic#spread}.
 */
final class CopyDraw {
  private CopyDraw() {}

  /**
   * Finds r for the shard set's token budget and returns (id, copies) of every document (cached;
   * the caller unpersists it); records the ratio, unsampled documents and per-domain copies in
   * {@code b}.
   */
  static Dataset<Row> copies(
      SparkSession spark,
      Dataset<Row> weighted,
      SamplerParams params,
      SamplerParams.ShardSet set,
      long usableTokens,
      SetBuilder b) {
    long budget = params.targetTokens() == 0 ? usableTokens : params.targetTokens();
    long target = Math.round(budget * set.budgetShare());
    b.targetTokens = target;
    Dataset<Row> copies;
    try (Resampling rs = new Resampling(weighted, params.seed(), set.name())) {
      RatioSearch.Result res =
          target == 0 ? null : rs.solve(target, Resampling.weightedTokens(weighted));
      if (res != null && !res.withinTolerance()) {
        throw SamplerErrors.targetTokensUnreachable(
            target, res.tokens(), res.ratio(), res.evaluations());
      }
      double r = res == null ? 0 : res.ratio();
      b.ratio = r;
      b.evaluations = res == null ? 0 : res.evaluations();
      copies = rs.copies(spark, r).persist(StorageLevel.MEMORY_AND_DISK());
      copies.count();
    }
    countByDomain(copies, weighted, b);
    return copies;
  }

  /** Per domain: copies, their tokens, documents with a copy, the most copies of one document. */
  private static void countByDomain(Dataset<Row> copies, Dataset<Row> weighted, SetBuilder b) {
    Dataset<Row> withDomain =
        copies.join(weighted.select(Columns.ID, Columns.DOMAIN, Columns.N_TOKENS), Columns.ID);
    Column c = col(Scratch.COPIES);
    Map<String, long[]> byDomain = new HashMap<>();
    for (Row r :
        withDomain
            .groupBy(col(Columns.DOMAIN))
            .agg(
                functions.sum(c.cast("long")),
                functions.sum(c.cast("long").multiply(col(Columns.N_TOKENS))),
                functions.count(functions.when(c.gt(0), lit(1))),
                functions.max(c))
            .collectAsList()) {
      byDomain.put(
          r.isNullAt(0) ? null : r.getString(0),
          new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getInt(4)});
    }
    List<DomainStats> domains = new ArrayList<>();
    long docs = 0;
    int max = 0;
    long all = 0;
    for (DomainStats d : b.domains) {
      long[] v = byDomain.getOrDefault(d.domain(), new long[4]);
      domains.add(d.withResample(v[0], v[1]));
      b.ordered += v[0];
      docs += v[2];
      max = Math.max(max, (int) v[3]);
      all += d.documents();
    }
    b.domains = domains;
    b.documents = docs;
    b.unsampled = all - docs;
    b.maxCopies = max;
  }

  /** The ids of the documents that drew a copy. */
  static Dataset<Row> drawn(Dataset<Row> copies) {
    return copies.filter(col(Scratch.COPIES).gt(0)).select(Columns.ID);
  }

  /** One row per copy: the weighted row, its copy number and its spread position. */
  static Dataset<Row> rows(Dataset<Row> weighted, Dataset<Row> copies, long seed) {
    return weighted
        .join(copies.filter(col(Scratch.COPIES).gt(0)), Columns.ID)
        .withColumn(
            ShardSets.COPY,
            functions.explode(functions.sequence(lit(0), col(Scratch.COPIES).minus(lit(1)))))
        .withColumn(
            Scratch.SPREAD,
            spreadUdf(seed).apply(col(Columns.ID), col(ShardSets.COPY), col(Scratch.COPIES)));
  }

  /** The shard order of the copy rows: spread position, id, copy. */
  static Column[] order() {
    return new Column[] {col(Scratch.SPREAD), col(Columns.ID), col(ShardSets.COPY)};
  }

  private static UserDefinedFunction spreadUdf(long seed) {
    return functions.udf(
        (UDF3<String, Integer, Integer, Double>)
            (id, k, c) -> Systematic.spread(k, c, Systematic.phase(seed, id)),
        DataTypes.DoubleType);
  }
}
