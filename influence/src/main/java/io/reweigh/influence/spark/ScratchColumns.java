package io.reweigh.influence.spark;

import io.reweigh.core.Columns;

/**
 * Names of the influence module's scratch columns (prefix {@link Columns#INTERNAL_PREFIX}, which
 * ingest refuses in the input): added inside a job and dropped before anything is written.
 */
public final class ScratchColumns {
  private ScratchColumns() {}

  /** A seeded hash of the id (sampling order, data-fixed partitioning). */
  public static final String HASH = Columns.INTERNAL_PREFIX + "h";

  /** A document's token ids (proxy-model training sample). */
  public static final String SEQ = Columns.INTERNAL_PREFIX + "seq";

  /** A 0-based rank (by self-influence, or by distance to the centroid within a cluster). */
  public static final String RANK = Columns.INTERNAL_PREFIX + "rank";

  /** Squared deviation from the mean (the variance of self-influence). */
  public static final String DEVIATION2 = Columns.INTERNAL_PREFIX + "d2";

  /** z-score of self-influence. */
  public static final String Z = Columns.INTERNAL_PREFIX + "z";

  /** Unnormalised PRESENCE weights of phase 1 and 2. */
  public static final String RAW_W1 = Columns.INTERNAL_PREFIX + "w1";

  public static final String RAW_W2 = Columns.INTERNAL_PREFIX + "w2";

  /** Unnormalised weight a document takes from the coreset. */
  public static final String RAW_W = Columns.INTERNAL_PREFIX + "w";

  /** The (cluster, distance) struct of a document's nearest centroid. */
  public static final String ASSIGNED = Columns.INTERNAL_PREFIX + "a";

  /** A document's embedding (the coreset's k-means features). */
  public static final String FEATURES = Columns.INTERNAL_PREFIX + "features";

  /** Squared distance to the nearest centroid. */
  public static final String DIST = Columns.INTERNAL_PREFIX + "dist";
}
