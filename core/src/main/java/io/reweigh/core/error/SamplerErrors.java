package io.reweigh.core.error;

import io.reweigh.core.error.ReweighException.Kind;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Errors of the sampler's settings: domain targets, target tokens, phases. Every message names the
 * key, file or row and the value, says why it is a problem and what to do (as in {@link
 * PipelineErrors}). Tests pin this wording: change it on purpose only.
 */
public final class SamplerErrors {
  private SamplerErrors() {}

  public static ReweighException domainTargetsUnreadable(String source, String detail) {
    return new ReweighException(
        Kind.USAGE,
        "Cannot read the domain targets " + source + " (sampler.domain-targets).",
        detail,
        "Give a JSON object mapping each domain to its share of the total weight, e.g."
            + " {\"web\": 0.6, \"code\": 0.4}.",
        null);
  }

  public static ReweighException domainTargetsSum(String source, double sum) {
    return new ReweighException(
        Kind.USAGE,
        "The domain targets "
            + source
            + " sum to "
            + new java.math.BigDecimal(sum)
                .round(new java.math.MathContext(9))
                .stripTrailingZeros()
                .toPlainString()
            + ", not 1.",
        "each share is a domain's part of the total weight, so the shares must add up to 1"
            + " (within 1e-6).",
        "Rescale the shares so that they sum to 1.",
        null);
  }

  public static ReweighException domainTargetWithoutDocuments(
      String source, String domain, Collection<String> present) {
    return new ReweighException(
        Kind.USAGE,
        "The domain targets "
            + source
            + " give domain '"
            + domain
            + "' a share, but no usable"
            + " document has that domain.",
        "a share cannot be met without documents; the domains with documents are " + present + ".",
        "Remove '" + domain + "' from the targets (and rescale), or check input.domain-column.",
        null);
  }

  public static ReweighException domainsWithoutTarget(
      String source, java.util.Map<String, Long> docsByDomain) {
    return new ReweighException(
        Kind.USAGE,
        "The domain targets "
            + source
            + " do not name "
            + docsByDomain.size()
            + " domain(s) that have documents: "
            + docsByDomain.entrySet().stream()
                .map(e -> "'" + e.getKey() + "' (" + e.getValue() + " documents)")
                .collect(Collectors.joining(", "))
            + ".",
        "every document must belong to a domain with a target, or the shares cannot add up.",
        "Add each domain to the targets (share 0 gives its documents weight 0), or filter the"
            + " input.",
        null);
  }

  public static ReweighException documentsWithoutDomain(long count, String exampleId) {
    return new ReweighException(
        Kind.USAGE,
        count
            + " usable documents have no domain (e.g. id "
            + exampleId
            + "), but"
            + " sampler.domain-targets is set.",
        "domain targets rescale weights by domain; a document without one cannot be placed.",
        "Set input.domain-column to the column holding the domain, give every row a domain, or"
            + " unset sampler.domain-targets.",
        null);
  }

  public static ReweighException targetTokensUnreachable(
      long target, long best, double ratio, int iterations) {
    return new ReweighException(
        Kind.USAGE,
        "Resampling cannot hit sampler.target-tokens="
            + target
            + " within 0.5%: the closest was "
            + best
            + " tokens (r = "
            + ratio
            + ", "
            + iterations
            + " tries).",
        "whole documents are drawn, so a budget close to a few documents' length cannot be met.",
        "Raise sampler.target-tokens, or use sampler.mode=weighted.",
        null);
  }

  public static ReweighException phasesWithoutPhasedSignal(Collection<String> signals) {
    return new ReweighException(
        Kind.USAGE,
        "sampler.phases=true, but none of the signals in use " + signals + " has phase weights.",
        "phase shard sets are weighted with each phase's weights of a phased signal"
            + " (influence: weight_influence_1 and weight_influence_2).",
        "Add influence to stages (with sampler.alpha.influence > 0), or set sampler.phases=false.",
        null);
  }
}
