package io.reweigh.influence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * An LM that documents are scored with, loaded once per executor JVM ({@link ModelCache}): the
 * proxy LM trained in the run ({@link ProxyLm}) or a user's TorchScript causal LM ({@link
 * TorchScriptLm}).
 */
public interface ScoringModel extends AutoCloseable {

  /** The manager the model's tensors live in; batches are built in sub-managers of it. */
  NDManager manager();

  /** ‖∇_{θ_L} ℓ(x)‖² of each real row of the batch (PRESENCE self-influence at one checkpoint). */
  double[] selfInfluence(Sequences.Batch batch, List<String> layers, SelfInfluence.Norm norm);

  /** Mean final hidden state of each row over the positions where mask [B,T] is 1, [B][d]. */
  float[][] meanHidden(NDArray ids, NDArray mask);

  @Override
  void close();

  /** Mean of hidden [B,T,d] over the positions where mask [B,T] is 1 (zeros for an empty row). */
  static float[][] meanOver(NDArray h, NDArray mask) {
    NDArray m = mask.expandDims(2);
    float[] flat = h.mul(m).sum(new int[] {1}).toFloatArray();
    float[] count = m.sum(new int[] {1}).toFloatArray();
    int d = (int) h.getShape().get(2);
    float[][] out = new float[count.length][d];
    for (int b = 0; b < count.length; b++) {
      for (int j = 0; j < d; j++) {
        out[b][j] = flat[b * d + j] / Math.max(1f, count[b]);
      }
    }
    return out;
  }
}
