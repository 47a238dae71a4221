package io.reweigh.influence.evaluate;

import io.reweigh.influence.ProxyLm;
import io.reweigh.influence.ProxyTrainer;
import io.reweigh.influence.Sequences;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DoReMi's domain reweighting (Xie et al., NeurIPS 2023, arXiv 2305.10429; docs/tuning.md): while a
 * proxy LM trains on batches drawn uniformly over the k domains ({@link DomainMixture}), each step
 * takes the proxy's and a fixed reference model's per-token losses on the batch, the per-domain
 * mean of the clipped excess loss max(ℓ_proxy − ℓ_ref, 0) over that domain's tokens (a domain
 * absent from the batch keeps its last value, ln V at the start), updates the domain weights by
 * exponentiated gradient ascent — log α' = log α + η·λ, softmax, then (1 − ε)·α' + ε/k — and weighs
 * the proxy's loss of the same batch by them: a token-level weighted mean with the weight α_d / p_d
 * of its row's domain (p = the uniform sampling distribution). The result is the mean of α over the
 * initial value and every step.
 *
 * <p>As the authors' reference implementation does it (their trainer's domain-weight update and
 * loss, read for this class; no code of theirs is used): the excess loss is measured with the
 * proxy's parameters before the step, and the new weights already apply to that step's loss.
 */
public final class DoReMi implements ProxyTrainer.RowWeights {

  /** η (step size of the exponentiated-gradient update) and ε (smoothing toward uniform). */
  public record Settings(double eta, double epsilon) {}

  private final int k;
  private final ProxyLm reference;
  private final DomainMixture source;
  private final Settings settings;
  private final double[] alpha;
  private final double[] lastExcess;
  private final double[] alphaSum;
  private final List<double[]> alphas = new ArrayList<>();
  private final List<double[]> excesses = new ArrayList<>();

  /**
   * @param reference the reference model (trained on the current mixture), read only
   * @param source the proxy's windows, which says each row's domain
   * @param vocab the models' vocabulary: ln(vocab) is the excess loss assumed before a domain is
   *     first seen
   */
  public DoReMi(ProxyLm reference, DomainMixture source, int vocab, Settings settings) {
    this.k = source.domains();
    this.reference = reference;
    this.source = source;
    this.settings = settings;
    this.alpha = new double[k];
    Arrays.fill(alpha, 1.0 / k);
    this.lastExcess = new double[k];
    Arrays.fill(lastExcess, Math.log(vocab));
    this.alphaSum = alpha.clone();
    alphas.add(alpha.clone());
  }

  @Override
  public double[] rows(int step, List<int[]> batch, Sequences.Batch tensors, float[][] tokenLoss) {
    int[] domain = source.takeDomains(batch.size());
    float[][] ref = reference.tokenLosses(tensors);
    float[] mask = tensors.mask().toFloatArray();
    int t = tokenLoss[0].length;
    double[] lambda = excess(domain, tokenLoss, ref, mask, t, lastExcess);
    System.arraycopy(lambda, 0, lastExcess, 0, k);
    double[] next = update(alpha, lambda, settings.eta(), settings.epsilon());
    System.arraycopy(next, 0, alpha, 0, k);
    for (int d = 0; d < k; d++) {
      alphaSum[d] += alpha[d];
    }
    alphas.add(alpha.clone());
    excesses.add(lambda.clone());
    return rowWeights(domain, alpha, mask, t, tensors.real());
  }

  /**
   * Per domain, the mean over its unmasked tokens in the batch of max(ℓ_proxy − ℓ_ref, 0); a domain
   * without tokens in the batch keeps {@code last}.
   */
  static double[] excess(
      int[] domain, float[][] proxy, float[][] ref, float[] mask, int t, double[] last) {
    int k = last.length;
    double[] sum = new double[k];
    long[] n = new long[k];
    for (int r = 0; r < domain.length; r++) {
      for (int j = 0; j < t; j++) {
        if (mask[r * t + j] != 0) {
          sum[domain[r]] += Math.max(proxy[r][j] - ref[r][j], 0);
          n[domain[r]]++;
        }
      }
    }
    double[] out = new double[k];
    for (int d = 0; d < k; d++) {
      out[d] = n[d] == 0 ? last[d] : sum[d] / n[d];
    }
    return out;
  }

  /** log α' = log α + η·λ, normalised in log space (softmax), then (1 − ε)·α' + ε/k. */
  static double[] update(double[] alpha, double[] lambda, double eta, double epsilon) {
    int k = alpha.length;
    double[] log = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int d = 0; d < k; d++) {
      log[d] = Math.log(alpha[d]) + eta * lambda[d];
      max = Math.max(max, log[d]);
    }
    double z = 0;
    for (int d = 0; d < k; d++) {
      z += Math.exp(log[d] - max);
    }
    double[] out = new double[k];
    for (int d = 0; d < k; d++) {
      out[d] = (1 - epsilon) * Math.exp(log[d] - max) / z + epsilon / k;
    }
    return out;
  }

  /**
   * Row weights r_i of the objective Σ_i r_i Σ_t ℓ_it: with w_d = α_d / p_d (p uniform, so w_d ∝
   * α_d), r_i = w_{d(i)} / Σ_i' w_{d(i')}·tokens_i' — the token-level weighted mean loss. Padding
   * rows beyond {@code real} weigh 0.
   */
  static double[] rowWeights(int[] domain, double[] alpha, float[] mask, int t, int real) {
    double[] r = new double[mask.length / t];
    double norm = 0;
    for (int i = 0; i < real; i++) {
      double tokens = 0;
      for (int j = 0; j < t; j++) {
        tokens += mask[i * t + j];
      }
      norm += alpha[domain[i]] * tokens;
    }
    for (int i = 0; i < real; i++) {
      r[i] = alpha[domain[i]] / norm;
    }
    return r;
  }

  /** The mean of α over its initial value and every step so far: DoReMi's output mixture. */
  public double[] averageAlpha() {
    double[] out = new double[k];
    for (int d = 0; d < k; d++) {
      out[d] = alphaSum[d] / alphas.size();
    }
    return out;
  }

  /** α after each step (index 0 = the initial uniform weights). */
  public List<double[]> alphas() {
    return List.copyOf(alphas);
  }

  /** The per-domain excess losses each step used. */
  public List<double[]> excesses() {
    return List.copyOf(excesses);
  }
}
