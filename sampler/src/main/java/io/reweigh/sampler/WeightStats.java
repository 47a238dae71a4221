package io.reweigh.sampler;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.Serializable;

/**
 * The final weights of one shard set, as manifest.json lists them under {@code weight}: the clip
 * window and the rows it clipped (absent when no signal weighs or there are no rows), and the
 * weights' min, approximate median, max and exact mean (null without rows). Keys in alphabetical
 * order, as the map this record replaced was written (OutputDir sorts map keys).
 */
@JsonPropertyOrder(alphabetic = true)
public record WeightStats(
    @JsonInclude(JsonInclude.Include.NON_NULL) Double clipHigh,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double clipLow,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long clippedRows,
    Double max,
    Double mean,
    Double median,
    Double min)
    implements Serializable {

  /** Whether the weights were clipped to a window (some signal weighs and there are rows). */
  public boolean clipped() {
    return clipLow != null && clipHigh != null;
  }
}
