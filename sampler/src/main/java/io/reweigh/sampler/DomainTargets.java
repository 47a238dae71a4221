package io.reweigh.sampler;

import com.fasterxml.jackson.databind.JsonNode;
import io.reweigh.core.error.SamplerErrors;
import io.reweigh.core.json.Json;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A domain mixture: domain → target share of the total weight (docs/trainers.md; the flat JSON
 * object DoReMi/DoGE-style mixture searches emit). {@link #scales} turns per-domain totals into the
 * factor each domain's weights are multiplied by. Spark-free; the sampler's Spark glue reads the
 * file and computes the totals.
 *
 * @param source where the targets came from, for messages ("file x.json" or "inline object")
 * @param shares domain → share in [0, 1], summing to 1 within 1e-6
 */
public record DomainTargets(String source, SortedMap<String, Double> shares)
    implements Serializable {

  /** How far the shares may sum from 1. */
  public static final double SUM_TOLERANCE = 1e-6;

  public DomainTargets {
    shares = Collections.unmodifiableSortedMap(new TreeMap<>(shares));
    double sum = 0;
    for (Map.Entry<String, Double> e : shares.entrySet()) {
      double v = e.getValue();
      if (!(v >= 0 && v <= 1)) {
        throw SamplerErrors.domainTargetsUnreadable(
            source, "the share of '" + e.getKey() + "' is " + v + "; shares are from 0 to 1.");
      }
      sum += v;
    }
    if (shares.isEmpty()) {
      throw SamplerErrors.domainTargetsUnreadable(source, "it names no domain.");
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw SamplerErrors.domainTargetsSum(source, sum);
    }
  }

  /** Parses a JSON object {"domain": share, …}; anything else is an error naming the source. */
  public static DomainTargets parseJson(String source, String json) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (Exception e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
      throw SamplerErrors.domainTargetsUnreadable(source, "it is not JSON: " + msg);
    }
    if (root == null || !root.isObject()) {
      throw SamplerErrors.domainTargetsUnreadable(
          source, "it is not a JSON object of domain → share.");
    }
    Map<String, Double> m = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNumber()) {
        throw SamplerErrors.domainTargetsUnreadable(
            source, "the value of '" + e.getKey() + "' is " + e.getValue() + ", not a number.");
      }
      m.put(e.getKey(), e.getValue().doubleValue());
    }
    return new DomainTargets(source, new TreeMap<>(m));
  }

  /**
   * The factor for each domain's weights so that each domain's share of Σ measure equals its target
   * and the mean weight stays 1.
   *
   * @param docs documents per domain (every domain that has usable documents)
   * @param weight Σ weight per domain
   * @param measure per domain, what the target is a share of: Σ weight, or Σ weight × tokens
   * @return domain → factor (0 for a share of 0)
   */
  public Map<String, Double> scales(
      Map<String, Long> docs, Map<String, Double> weight, Map<String, Double> measure) {
    Map<String, Long> unnamed = new TreeMap<>();
    docs.forEach(
        (d, n) -> {
          if (n > 0 && !shares.containsKey(d)) {
            unnamed.put(d, n);
          }
        });
    if (!unnamed.isEmpty()) {
      throw SamplerErrors.domainsWithoutTarget(source, unnamed);
    }
    for (String d : shares.keySet()) {
      if (docs.getOrDefault(d, 0L) == 0) {
        throw SamplerErrors.domainTargetWithoutDocuments(source, d, new TreeMap<>(docs).keySet());
      }
    }
    double total = 0;
    for (String d : shares.keySet()) {
      total += measure.get(d);
    }
    long n = 0;
    Map<String, Double> factor = new TreeMap<>();
    for (String d : shares.keySet()) {
      double m = measure.get(d);
      factor.put(d, m > 0 ? shares.get(d) * total / m : 0.0);
      n += docs.get(d);
    }
    // the factors keep Σ measure; renormalise so that the mean weight is 1 again
    double newWeight = 0;
    for (String d : shares.keySet()) {
      newWeight += factor.get(d) * weight.get(d);
    }
    double norm = n / newWeight;
    factor.replaceAll((d, f) -> f * norm);
    return factor;
  }
}
