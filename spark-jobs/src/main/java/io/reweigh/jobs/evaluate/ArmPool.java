package io.reweigh.jobs.evaluate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.config.EvaluateKeys;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.sampler.ShardSets;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The documents an evaluation arm draws from and the weight it draws them by (docs/evaluation.md,
 * the table of arms): columns {@link #KEY} (the document's identity, the same in every arm for
 * common random numbers), {@link #TEXT}, {@link #N} (its tokens), {@link #W} (the draw weight) and
 * {@link #DOMAIN}.
 *
 * @param arm the arm's name
 * @param drawnFrom which rows and which column, as the summary prints it
 */
public record ArmPool(String arm, String drawnFrom, Dataset<Row> rows) {
  public static final String KEY = "key";
  public static final String TEXT = "text";
  public static final String N = "n";
  public static final String W = "w";
  public static final String DOMAIN = "domain";

  /**
   * The pool of {@code arm}: uniform draws from every usable document ({@code stages/ingest}),
   * weighted by {@code weight}, a signal by the column the sampler used for it in this shard set,
   * resampled from the resampled shards' rows (copies included).
   */
  public static ArmPool of(
      String arm,
      Dataset<Row> training,
      Dataset<Row> shards,
      ShardSets.SetResult set,
      ResolvedConfig cfg) {
    List<String> shardCols = List.of(shards.columns());
    boolean copies = shardCols.contains(ShardSets.COPY);
    Dataset<Row> distinct = copies ? shards.filter(col(ShardSets.COPY).equalTo(0)) : shards;
    if (arm.equals(EvaluateKeys.ARM_UNIFORM)) {
      return new ArmPool(
          arm,
          "every usable document (stages/ingest), alike",
          rows(training, col(Columns.ID), lit(1.0)));
    }
    if (arm.equals(EvaluateKeys.ARM_WEIGHTED)) {
      return new ArmPool(
          arm,
          set.dir() + " ∝ " + Columns.WEIGHT,
          rows(distinct, col(Columns.ID), col(Columns.WEIGHT)));
    }
    if (arm.equals(EvaluateKeys.ARM_RESAMPLED)) {
      if (!copies) {
        throw PipelineErrors.usage(
            "The resampled arm needs resampled shards, but "
                + set.dir()
                + " was written in sampler.mode="
                + cfg.get(Keys.SAMPLER_MODE)
                + ".",
            "Drop resampled from --arms, or rerun with sampler.mode=resample and"
                + " sampler.target-tokens.");
      }
      return new ArmPool(
          arm,
          set.dir() + " rows as written (copies included), alike",
          rows(
              shards,
              functions.concat(col(Columns.ID), lit("#"), col(ShardSets.COPY).cast("string")),
              lit(1.0)));
    }
    // the column the sampler used for this signal in this set (a phased signal's phase column)
    String column = set.weightColumns().getOrDefault(arm, Columns.weightColumn(arm));
    if (!shardCols.contains(column)) {
      throw PipelineErrors.usage(
          "Arm "
              + arm
              + " draws by "
              + column
              + ", but "
              + set.dir()
              + " has no such column (the run computed stages="
              + cfg.stages()
              + ").",
          "Pick arms among uniform, weighted and the run's signals "
              + cfg.stages()
              + ", or rerun with stages including "
              + arm
              + ".");
    }
    return new ArmPool(
        arm, set.dir() + " ∝ " + column, rows(distinct, col(Columns.ID), col(column)));
  }

  /** A pool of {@code table}'s documents by an arbitrary weight column expression. */
  public static Dataset<Row> rows(Dataset<Row> table, Column key, Column weight) {
    boolean hasDomain = List.of(table.columns()).contains(Columns.DOMAIN);
    return table.select(
        key.cast("string").as(KEY),
        col(Columns.TEXT).as(TEXT),
        col(Columns.N_TOKENS).cast("long").as(N),
        weight.cast("double").as(W),
        (hasDomain ? col(Columns.DOMAIN) : lit(null)).cast("string").as(DOMAIN));
  }
}
