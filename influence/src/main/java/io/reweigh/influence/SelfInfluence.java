package io.reweigh.influence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Squared per-sample gradient norms ‖∇_{θ_L} ℓ(x)‖² over selected layer groups (docs/influence.md),
 * for a whole batch in <b>one</b> backward pass:
 *
 * <ul>
 *   <li>token embedding: the gathered rows [B,T,d] are the leaf; a document's embedding gradient is
 *       the per-token row gradients summed by token id, so ‖·‖² = Σ_{t,s} [id_t = id_s] g_t·g_s;
 *   <li>transformer blocks (and position embeddings): per-sample leaf copies of the parameters
 *       ({@code stopGradient().expandDims(0).repeat(0, B)}), read off directly;
 *   <li>LM head: ghost norm (Goodfellow 2015; Li et al. 2021) from the final hidden states a_t and
 *       the per-sample logit gradients g_t ({@link HeadPass}, one sample's [T,V] at a time): ‖∇W‖²
 *       = Σ_{t,s} (a_t·a_s)(g_t·g_s), ‖∇b‖² = ‖Σ_t g_t‖². The head's [B,d,V] gradient never exists;
 *       the rest of the network gets dℓ/dh through autograd, in one backward pass.
 * </ul>
 *
 * {@link #perDocument} is the plain reference (one backward per document) the tests check against.
 */
public final class SelfInfluence {
  private SelfInfluence() {}

  /**
   * How a document's loss is normalised: MEAN over its own targets (docs/influence.md), or WINDOW:
   * the sum over its targets divided by the window length max-tokens, i.e. its share of a packed
   * pretraining sequence (what PRESENCE scores; short documents are not favoured).
   */
  public enum Norm {
    MEAN,
    WINDOW
  }

  public static double[] batched(ProxyLm m, Sequences.Batch batch, List<String> layers) {
    return batched(m, batch, layers, Norm.MEAN);
  }

  public static double[] perDocument(ProxyLm m, Sequences.Batch batch, List<String> layers) {
    return perDocument(m, batch, layers, Norm.MEAN);
  }

  /** The squared gradient norm of each real row of the batch, in one backward pass. */
  public static double[] batched(ProxyLm m, Sequences.Batch batch, List<String> layers, Norm norm) {
    Set<String> sel = new LinkedHashSet<>(layers);
    for (String l : sel) {
      m.group(l); // validates the name
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return DjlRuntime.withGradients(
          gc -> {
            NDArray ids = batch.ids();
            ProxyLm.Forward f = new ProxyLm.Forward();
            Leaves leaves = Leaves.attach(m, ids, sel, f);
            NDArray h = m.hidden(ids, f);
            HeadPass head =
                HeadPass.run(
                    m,
                    h,
                    batch,
                    norm == Norm.WINDOW
                        ? HeadPass.Scale.PER_SAMPLE_WINDOW
                        : HeadPass.Scale.PER_SAMPLE,
                    sel.contains("head"),
                    false);
            if (leaves.any()) {
              gc.backward(h.mul(head.dHidden).sum());
            }
            double[] out = real(leaves.squaredNorms(ids), batch.real());
            if (head.ghost != null) {
              for (int i = 0; i < out.length; i++) {
                out[i] += head.ghost[i];
              }
            }
            return out;
          });
    }
  }

  /**
   * The per-sample leaves of the selected layer groups below the head: gathered token-embedding
   * rows, position-embedding rows, and per-sample copies of block parameters.
   */
  private static final class Leaves {
    NDArray tokRows;
    NDArray posRows;
    final List<NDArray> copies = new ArrayList<>();

    /** Creates the leaves of {@code sel} for the batch {@code ids} and hands them to {@code f}. */
    static Leaves attach(ProxyLm m, NDArray ids, Set<String> sel, ProxyLm.Forward f) {
      long b = ids.getShape().get(0);
      long t = ids.getShape().get(1);
      int d = m.config().dModel();
      Leaves l = new Leaves();
      for (String layer : sel) {
        switch (layer) {
          case "embed" -> {
            l.tokRows = m.param("tok_emb").stopGradient().get(ids.flatten()).reshape(b, t, d);
            l.tokRows.setRequiresGradient(true);
            f.tokenRows = l.tokRows;
          }
          case "pos" -> {
            l.posRows = m.param("pos_emb").stopGradient().get("0:" + t).expandDims(0).repeat(0, b);
            l.posRows.setRequiresGradient(true);
            f.positionRows = l.posRows;
          }
          case "head" -> {
            // ghost norm from HeadPass
          }
          default -> {
            for (String name : m.group(layer)) {
              NDArray copy = m.param(name).stopGradient().expandDims(0).repeat(0, b);
              copy.setRequiresGradient(true);
              f.param(name, copy);
              l.copies.add(copy);
            }
          }
        }
      }
      return l;
    }

    /** Whether any leaf needs gradients from below the head. */
    boolean any() {
      return tokRows != null || posRows != null || !copies.isEmpty();
    }

    /** Each sample's squared gradient norm over the leaves (after the backward pass), [B]. */
    NDArray squaredNorms(NDArray ids) {
      long b = ids.getShape().get(0);
      NDArray sq = ids.getManager().zeros(new Shape(b));
      if (tokRows != null) {
        NDArray g = tokRows.getGradient();
        NDArray same = ids.expandDims(2).eq(ids.expandDims(1)).toType(DataType.FLOAT32, false);
        sq = sq.add(g.matMul(g.transpose(0, 2, 1)).mul(same).sum(new int[] {1, 2}));
      }
      if (posRows != null) {
        sq = sq.add(posRows.getGradient().square().sum(new int[] {1, 2}));
      }
      for (NDArray c : copies) {
        sq = sq.add(c.getGradient().square().reshape(b, -1).sum(new int[] {1}));
      }
      return sq;
    }
  }

  /** Reference: one forward and one backward per document, gradients of the real parameters. */
  public static double[] perDocument(
      ProxyLm m, Sequences.Batch batch, List<String> layers, Norm norm) {
    List<String> names = new ArrayList<>();
    for (String l : new LinkedHashSet<>(layers)) {
      names.addAll(m.group(l));
    }
    double[] out = new double[batch.real()];
    for (int i = 0; i < batch.real(); i++) {
      int row = i;
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        out[i] =
            DjlRuntime.withGradients(
                gc -> {
                  ProxyLm.Forward f = new ProxyLm.Forward();
                  List<NDArray> leaves = new ArrayList<>();
                  for (String n : names) {
                    NDArray leaf = m.param(n).stopGradient();
                    leaf.setRequiresGradient(true);
                    f.param(n, leaf);
                    leaves.add(leaf);
                  }
                  String r = row + ":" + (row + 1);
                  NDArray logits = m.logits(batch.ids().get(r), f);
                  NDArray mask = batch.mask().get(r);
                  NDArray loss = ProxyLm.perSampleLoss(logits, batch.targets().get(r), mask);
                  if (norm == Norm.WINDOW) {
                    NDArray scale =
                        mask.sum().div(mask.getManager().full(new Shape(1), (float) mask.size()));
                    loss = loss.mul(scale);
                  }
                  gc.backward(loss.sum());
                  double s = 0;
                  for (NDArray leaf : leaves) {
                    s +=
                        leaf.getGradient()
                            .toType(DataType.FLOAT64, false)
                            .square()
                            .sum()
                            .getDouble();
                  }
                  return s;
                });
      }
    }
    return out;
  }

  /**
   * The baseline the benchmark divides by: the ordinary training gradient of the batch (mean loss,
   * every parameter, one backward).
   */
  public static double plainForwardBackward(ProxyLm m, Sequences.Batch batch) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return DjlRuntime.withGradients(
          gc -> {
            ProxyLm.Forward f = new ProxyLm.Forward();
            List<NDArray> leaves = new ArrayList<>();
            for (String n : m.parameters().keySet()) {
              if (n.startsWith("head.")) {
                continue; // HeadPass computes the head's gradients
              }
              NDArray leaf = m.param(n).stopGradient();
              leaf.setRequiresGradient(true);
              f.param(n, leaf);
              leaves.add(leaf);
            }
            NDArray h = m.hidden(batch.ids(), f);
            HeadPass head = HeadPass.run(m, h, batch, HeadPass.Scale.MEAN_OF_SAMPLES, false, true);
            gc.backward(h.mul(head.dHidden).sum());
            double s = head.dWeight.sum().getFloat();
            for (NDArray leaf : leaves) {
              s += leaf.getGradient().sum().getFloat();
            }
            return s;
          });
    }
  }

  /** Mean loss of each real row (no gradients). */
  public static double[] losses(ProxyLm m, Sequences.Batch batch) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      DjlRuntime.inferenceThread();
      return real(
          ProxyLm.perSampleLoss(m.logits(batch.ids(), null), batch.targets(), batch.mask()),
          batch.real());
    }
  }

  private static double[] real(NDArray v, int n) {
    float[] all = v.toType(DataType.FLOAT32, false).toFloatArray();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = all[i];
    }
    return out;
  }
}
