package io.reweigh.influence;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A user's causal LM exported as TorchScript ({@code influence.model}; docs/byo-model.md). The
 * signature: {@code forward(ids: int64[B,T]) -> (logits: float[B,T,V], hidden: float[B,T,d])},
 * where hidden is the input of a bias-free output layer, logits = hidden · Wᵀ.
 *
 * <p>Self-influence is the squared per-sample gradient norm of that output layer's weight W, by the
 * ghost-norm identity (Goodfellow 2015; Li et al. 2021): a sample's gradient is Σ_t g_t a_tᵀ with
 * a_t the hidden state and g_t = dℓ/dlogits_t = (softmax(z_t) − onehot(y_t))·mask_t / div, so ‖∇W‖²
 * = Σ_{t,s} (a_t·a_s)(g_t·g_s). No backward pass runs and W itself is never needed: one forward of
 * the batch, then per sample two [T,T] Gram matrices. The test checks it against autograd one
 * document at a time (bin/make-byo-example, conf/byo/reference.json).
 */
public final class TorchScriptLm implements ScoringModel {
  /** What the model must return; named in every signature error. */
  public static final String SIGNATURE =
      "forward(ids: int64[B,T]) -> (logits: float32[B,T,V], hidden: float32[B,T,d])";

  private final Model model;
  private final Block block;
  private final NDManager manager;

  private TorchScriptLm(Model model) {
    this.model = model;
    this.block = model.getBlock();
    this.manager = model.getNDManager();
  }

  /** Loads TorchScript bytes onto the device DJL chose for this JVM (tensors mapped onto it). */
  public static TorchScriptLm fromBytes(byte[] bytes) throws IOException, MalformedModelException {
    DjlRuntime.engine();
    Model m = Model.newInstance("user-lm", DjlRuntime.device(), "PyTorch");
    try {
      m.load(new ByteArrayInputStream(bytes), Map.of("mapLocation", "true"));
      return new TorchScriptLm(m);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      m.close();
      throw e;
    }
  }

  @Override
  public NDManager manager() {
    return manager;
  }

  /** Logits [B,T,V] and hidden states [B,T,d] of {@code ids}; a wrong signature throws. */
  public NDList forward(NDArray ids) {
    NDList out = block.forward(new ParameterStore(ids.getManager(), false), new NDList(ids), false);
    long b = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    if (out.size() != 2) {
      throw new SignatureException("it returned " + out.size() + " tensor(s), expected 2");
    }
    Shape lg = out.get(0).getShape();
    Shape hd = out.get(1).getShape();
    if (lg.dimension() != 3 || lg.get(0) != b || lg.get(1) != t) {
      throw new SignatureException(
          "its first output (logits) has shape " + lg + " for ids " + ids.getShape());
    }
    if (hd.dimension() != 3 || hd.get(0) != b || hd.get(1) != t) {
      throw new SignatureException(
          "its second output (hidden) has shape " + hd + " for ids " + ids.getShape());
    }
    if (out.get(0).getDataType() != DataType.FLOAT32
        || out.get(1).getDataType() != DataType.FLOAT32) {
      throw new SignatureException(
          "its outputs are "
              + out.get(0).getDataType()
              + " and "
              + out.get(1).getDataType()
              + ", expected float32");
    }
    return out;
  }

  /** The model's output does not have the documented signature. */
  public static final class SignatureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SignatureException(String detail) {
      super(detail);
    }
  }

  @Override
  public double[] selfInfluence(
      Sequences.Batch batch, List<String> layers, SelfInfluence.Norm norm) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDList out = forward(batch.ids());
      NDArray logits = out.get(0);
      NDArray hidden = out.get(1);
      long t = logits.getShape().get(1);
      int v = (int) logits.getShape().get(2);
      float[] maskAll = batch.mask().toFloatArray();
      double[] si = new double[batch.real()];
      for (int i = 0; i < si.length; i++) {
        double n = 0;
        for (int j = 0; j < t; j++) {
          n += maskAll[(int) (i * t + j)];
        }
        if (n == 0) {
          continue; // a document of fewer than two tokens predicts nothing: SI 0
        }
        double div = norm == SelfInfluence.Norm.WINDOW ? t : n;
        try (NDScope inner = new NDScope()) {
          inner.suppressNotUsedWarning();
          NDArray mask = batch.mask().get(i);
          NDArray g =
              logits
                  .get(i)
                  .softmax(-1)
                  .subi(batch.targets().get(i).oneHot(v))
                  .muli(mask.div((float) div).expandDims(-1));
          NDArray a = hidden.get(i);
          NDArray gg = g.matMul(g.transpose()).toType(DataType.FLOAT64, false);
          NDArray aa = a.matMul(a.transpose()).toType(DataType.FLOAT64, false);
          si[i] = gg.mul(aa).sum().getDouble();
        }
      }
      return si;
    }
  }

  @Override
  public float[][] meanHidden(NDArray ids, NDArray mask) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return ScoringModel.meanOver(forward(ids).get(1), mask);
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
