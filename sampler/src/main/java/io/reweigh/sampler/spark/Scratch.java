package io.reweigh.sampler.spark;

import io.reweigh.core.Columns;

/**
 * The sampler's scratch columns, each named once: working columns under {@link
 * Columns#INTERNAL_PREFIX} that are dropped before anything is written.
 */
final class Scratch {
  private Scratch() {}

  /** Size of the rows before this one in the shard order (OrderedScan's exact prefix sum). */
  static final String BEFORE = Columns.INTERNAL_PREFIX + "before";

  /** Copies a document drew (resample mode). */
  static final String COPIES = Columns.INTERNAL_PREFIX + "copies";

  /** A document's carried bytes (for shards cut by bytes; 0 otherwise). */
  static final String DOC_BYTES = Columns.INTERNAL_PREFIX + "doc_bytes";

  /** Seeded order key (weighted mode's shard order; Resampling's phase order). */
  static final String ORDER = Columns.INTERNAL_PREFIX + "order";

  /** Global rank in the shard order. */
  static final String RANK = Columns.INTERNAL_PREFIX + "rank";

  /** Raw value: the unclipped product of weights (Weighting), the raw shard number (ShardCut). */
  static final String RAW = Columns.INTERNAL_PREFIX + "raw";

  /** Shard number 0…S−1. */
  static final String SHARD = Columns.INTERNAL_PREFIX + "shard";

  /** A row's size in the shard size's unit. */
  static final String SIZE = Columns.INTERNAL_PREFIX + "size";

  /** Position of a copy in the stream (Systematic.spread). */
  static final String SPREAD = Columns.INTERNAL_PREFIX + "spread";

  /** Resampling's fixed-point weight. */
  static final String WT = Columns.INTERNAL_PREFIX + "wt";
}
