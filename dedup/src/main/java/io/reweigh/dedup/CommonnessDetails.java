package io.reweigh.dedup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.reweigh.core.stage.StageDetails;
import java.util.Map;

/**
 * The commonness stage's details ({@code stages.commonness} in manifest.json). Always: mode, order,
 * the clip window, summaries of commonness and weight_commonness, timings. Exact mode: the path
 * taken (and why the in-memory one was left), vocabulary and per-order Kneser-Ney statistics, the
 * broadcast hot n-grams (distributed path) or the in-memory plan. Sketch mode: the sketch's size
 * and error bound, and the agreement with exact mode on a sample. Segmented weighting: each
 * segment's mean commonness. What a mode or path does not report is null and left out.
 */
public record CommonnessDetails(
    String mode,
    int order,
    String path,
    String pathFallback,
    Long vocabulary,
    Map<String, Order> orders,
    Integer hotNgrams,
    InMemoryPlan inMemory,
    Double sketchEps,
    Double sketchConfidence,
    Integer sketchDepth,
    Integer sketchWidth,
    Long sketchBytes,
    Long sketchUpdates,
    Double sketchErrorBound,
    Validation validation,
    java.util.List<Double> segmentMeanCommonness,
    double clipLow,
    double clipHigh,
    Map<String, Double> commonness,
    Map<String, Double> weight,
    Map<String, Double> timingsS)
    implements StageDetails {

  /** One n-gram order of the model: its distinct grams and modified Kneser-Ney discounts. */
  @JsonPropertyOrder({"D1", "D2", "D3+", "distinct"})
  public record Order(
      @JsonProperty("D1") double d1,
      @JsonProperty("D2") double d2,
      @JsonProperty("D3+") double d3,
      long distinct) {}

  /** The in-memory exact path's memory plan: its limits and the sizes it met. */
  @JsonPropertyOrder(alphabetic = true)
  public record InMemoryPlan(
      long driverLimitBytes,
      long executorLimitBytes,
      long mergedTableBytes,
      long probabilityMapBytes,
      long taskTableBytes,
      String taskTables) {}

  /**
   * Sketch mode's rank agreement with exact mode on a seeded sample (docs/softdedup.md); under 3
   * sampled documents only their number.
   */
  @JsonPropertyOrder(alphabetic = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Validation(int docs, String scope, Double spearmanVsExact) {}

  /**
   * What the stage's steps find out, gathered while it runs (each step fills its own part) and
   * frozen by {@link #details}.
   */
  public static final class Collector {
    public String path;
    public String pathFallback;
    public Long vocabulary;
    public Map<String, Order> orders;
    public Integer hotNgrams;
    public InMemoryPlan inMemory;
    public Double sketchEps;
    public Double sketchConfidence;
    public Integer sketchDepth;
    public Integer sketchWidth;
    public Long sketchBytes;
    public Long sketchUpdates;
    public Double sketchErrorBound;
    public Validation validation;
    public java.util.List<Double> segmentMeanCommonness;
    public double clipLow;
    public double clipHigh;

    /** The details, with what the stage itself reports: mode, order, summaries and timings. */
    public CommonnessDetails details(
        String mode,
        int order,
        Map<String, Double> commonness,
        Map<String, Double> weight,
        Map<String, Double> timings) {
      return new CommonnessDetails(
          mode,
          order,
          path,
          pathFallback,
          vocabulary,
          orders,
          hotNgrams,
          inMemory,
          sketchEps,
          sketchConfidence,
          sketchDepth,
          sketchWidth,
          sketchBytes,
          sketchUpdates,
          sketchErrorBound,
          validation,
          segmentMeanCommonness,
          clipLow,
          clipHigh,
          commonness,
          weight,
          timings);
    }
  }
}
