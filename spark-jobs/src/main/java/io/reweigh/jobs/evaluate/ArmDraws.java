package io.reweigh.jobs.evaluate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.hash.Hash64;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.influence.evaluate.CommonDraws;
import io.reweigh.influence.evaluate.Evaluation;
import io.reweigh.influence.evaluate.Windows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import scala.Tuple3;

/**
 * An arm's training stream, drawn where the data is (docs/evaluation.md, "How windows are drawn"):
 * every document is cut into chunks of {@code context} evaluation ids, and chunk j of document d
 * appears Poisson(a·w_d) times, a chosen so that the draws hold {@link #MARGIN} times the token
 * budget in expectation. The count is the inverse Poisson CDF at a variate hashed from (seed, d, j)
 * and the copies are ordered by a hash of (seed, d, j, copy): neither depends on the arm (common
 * random numbers) nor on partitioning. Only the drawn chunks reach the driver, already tokenized.
 */
public final class ArmDraws {
  private ArmDraws() {}

  /** Draws hold this many times the token budget in expectation (a shorter stream repeats). */
  static final double MARGIN = 1.25;

  /**
   * The drawn chunks in training order; {@code documents} rows of the pool, {@code drawn} chunk
   * copies, from {@code drawnDocuments} distinct documents.
   */
  public record Drawn(List<int[]> chunks, long documents, long drawn, long drawnDocuments) {}

  /** One drawn copy: order key, document key, chunk ids. */
  record Copy(long order, String key, int[] ids) {}

  public static Drawn draw(
      ArmPool pool, long seed, long budgetTokens, int context, int vocab, Tokenizer tokenizer) {
    Row agg =
        pool.rows()
            .agg(
                functions.sum(col(ArmPool.W).multiply(col(ArmPool.N).plus(1))),
                functions.count(lit(1)),
                functions.sum(
                    functions
                        .when(col(ArmPool.W).isNull().or(col(ArmPool.W).lt(0)), 1)
                        .otherwise(0)))
            .first();
    long documents = agg.getLong(1);
    long bad = agg.isNullAt(2) ? 0 : agg.getLong(2);
    double weightedTokens = agg.isNullAt(0) ? 0 : agg.getDouble(0);
    if (bad > 0 || !(weightedTokens > 0) || !Double.isFinite(weightedTokens)) {
      throw PipelineErrors.usage(
          "Arm "
              + pool.arm()
              + " ("
              + pool.drawnFrom()
              + ") cannot draw: "
              + documents
              + " documents, weight × tokens summing to "
              + weightedTokens
              + (bad > 0 ? ", " + bad + " of them with a missing or negative weight" : "")
              + ".",
          "Evaluate an output whose shards hold documents with positive weights, or drop the arm.");
    }
    double perWeight = MARGIN * budgetTokens / weightedTokens;
    // (order, key, ids) tuples: Kryo serializes Scala tuples, not Java records
    List<Tuple3<Long, String, int[]>> copies =
        pool.rows()
            .select(ArmPool.KEY, ArmPool.TEXT, ArmPool.N, ArmPool.W)
            .javaRDD()
            .flatMap(chunksOf(seed, perWeight, context, vocab, tokenizer))
            .collect();
    List<Copy> sorted = new ArrayList<>(copies.size());
    for (Tuple3<Long, String, int[]> c : copies) {
      sorted.add(new Copy(c._1(), c._2(), c._3()));
    }
    sorted.sort(
        Comparator.comparingLong(Copy::order)
            .thenComparing(Copy::key)
            .thenComparing(Copy::ids, Arrays::compare));
    if (sorted.isEmpty()) {
      // a tiny pool can draw nothing by chance: train on its heaviest document (ties by key)
      Row r =
          pool.rows()
              .orderBy(col(ArmPool.W).desc(), col(ArmPool.KEY))
              .select(ArmPool.KEY, ArmPool.TEXT)
              .first();
      int[] seq = Evaluation.encode(tokenizer, r.getString(1), vocab);
      for (int j = 0; j < Windows.chunkCount(seq.length - 1, context); j++) {
        sorted.add(new Copy(j, r.getString(0), Windows.chunk(seq, j, context)));
      }
    }
    List<int[]> chunks = new ArrayList<>(sorted.size());
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (Copy c : sorted) {
      chunks.add(c.ids());
      keys.add(c.key());
    }
    return new Drawn(chunks, documents, copies.size(), keys.size());
  }

  /** Each row's drawn chunk copies; the text is tokenized only when one of its chunks is drawn. */
  static FlatMapFunction<Row, Tuple3<Long, String, int[]>> chunksOf(
      long seed, double perWeight, int context, int vocab, Tokenizer tokenizer) {
    return r -> {
      String key = r.getString(0);
      long n = r.getLong(2);
      double lambda = perWeight * r.getDouble(3);
      if (!(lambda > 0)) {
        return java.util.Collections.emptyIterator();
      }
      long doc = Hash64.seeded(seed, key);
      int chunks = Windows.chunkCount(n, context);
      List<long[]> picked = new ArrayList<>();
      for (int j = 0; j < chunks; j++) {
        long h = Hash64.combine(doc, j);
        int k = CommonDraws.poisson(CommonDraws.uniform(h), lambda);
        if (k > 0) {
          picked.add(new long[] {j, k, h});
        }
      }
      if (picked.isEmpty()) {
        return java.util.Collections.emptyIterator();
      }
      int[] seq = Evaluation.encode(tokenizer, r.getString(1), vocab);
      if (seq.length != n + 1) {
        throw new IllegalStateException(
            "document " + key + " has " + (seq.length - 1) + " tokens, its n_tokens says " + n);
      }
      List<Tuple3<Long, String, int[]>> out = new ArrayList<>();
      for (long[] p : picked) {
        int[] ids = Windows.chunk(seq, (int) p[0], context);
        for (int i = 0; i < p[1]; i++) {
          out.add(new Tuple3<>(Hash64.combine(p[2], i), key, ids));
        }
      }
      return out.iterator();
    };
  }
}
