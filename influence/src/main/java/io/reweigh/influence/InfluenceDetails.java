package io.reweigh.influence;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.reweigh.core.stage.StageDetails;
import java.util.List;
import java.util.Map;

/**
 * The influence stage's details ({@code stages.influence} in manifest.json): the scoring's model
 * facts ({@link Scoring}), its speed, the corpus statistics of the weighting (mean and sd of
 * self-influence, the z clip window; null without documents), summaries of self_influence and both
 * weights (their JSON names are the columns', {@link InfluenceSignal#SI}, {@link
 * InfluenceSignal#W1}, {@link InfluenceSignal#W2}), the rows marked dropped, and timings.
 */
public record InfluenceDetails(
    long modelLoads,
    long batches,
    List<String> devices,
    int checkpoints,
    List<String> layers,
    String lossNorm,
    double docsPerS,
    Double siMean,
    Double siSd,
    List<Double> zClip,
    Map<String, Double> selfInfluence,
    @JsonProperty("weight_influence_1") Map<String, Double> weightInfluence1,
    @JsonProperty("weight_influence_2") Map<String, Double> weightInfluence2,
    long droppedRows,
    Map<String, Double> timingsS)
    implements StageDetails {

  /**
   * What self-influence scoring reports (both influence signals score with it): models loaded,
   * batches run, the devices used, and the checkpoints, layers and loss normalisation scored with.
   */
  public record Scoring(
      long modelLoads,
      long batches,
      List<String> devices,
      int checkpoints,
      List<String> layers,
      String lossNorm) {}

  /** The weighting's corpus statistics: SI mean and sd, and the z clip window. */
  public record Presence(double siMean, double siSd, List<Double> zClip) {}
}
