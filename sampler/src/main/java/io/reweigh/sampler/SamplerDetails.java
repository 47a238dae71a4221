package io.reweigh.sampler;

import io.reweigh.core.stage.StageDetails;
import java.util.List;

/**
 * The sampler's details ({@code stages.sampler} in manifest.json): the signals it multiplied, in
 * order, and the final weights of the first shard set.
 */
public record SamplerDetails(List<String> signals, WeightStats weight) implements StageDetails {}
