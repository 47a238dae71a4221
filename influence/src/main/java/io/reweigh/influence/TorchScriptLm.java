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

  /** Largest [rows, T, V] float tensor the SI pass builds at once (32 M floats, 128 MB). */
  static final long CHUNK_FLOATS = 1L << 25;

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
    return selfInfluence(batch, norm, CHUNK_FLOATS);
  }

  /** {@link #selfInfluence} with rows chunked under {@code chunkFloats} (tests: 1 = row by row). */
  double[] selfInfluence(Sequences.Batch batch, SelfInfluence.Norm norm, long chunkFloats) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDList out = forward(batch.ids());
      NDArray logits = out.get(0);
      NDArray hidden = out.get(1);
      long t = logits.getShape().get(1);
      int v = (int) logits.getShape().get(2);
      float[] maskAll = batch.mask().toFloatArray();
      int real = batch.real();
      double[] si = new double[real];
      // rows in chunks whose [rows, T, V] tensors stay under CHUNK_FLOATS (a 50k vocabulary at T =
      // 512 goes one row at a time; small models take the whole batch in a few kernel calls)
      int chunk = (int) Math.max(1, Math.min(real, chunkFloats / (t * v)));
      for (int r0 = 0; r0 < real; r0 += chunk) {
        int r1 = Math.min(real, r0 + chunk);
        float[] div = new float[r1 - r0];
        for (int i = r0; i < r1; i++) {
          double n = 0;
          for (int j = 0; j < t; j++) {
            n += maskAll[(int) (i * t + j)];
          }
          // a document of fewer than two tokens predicts nothing: mask 0, SI 0
          div[i - r0] = (float) (norm == SelfInfluence.Norm.WINDOW ? t : Math.max(1, n));
        }
        try (NDScope inner = new NDScope()) {
          inner.suppressNotUsedWarning();
          String rows = r0 + ":" + r1;
          NDArray mask = batch.mask().get(rows).expandDims(-1);
          NDArray d =
              manager.create(div, new Shape(r1 - r0, 1, 1)).toDevice(mask.getDevice(), false);
          NDArray g =
              logits
                  .get(rows)
                  .softmax(-1)
                  .subi(batch.targets().get(rows).oneHot(v))
                  .muli(mask.div(d));
          NDArray a = hidden.get(rows);
          NDArray gg = g.batchMatMul(g.transpose(0, 2, 1)).toType(DataType.FLOAT64, false);
          NDArray aa = a.batchMatMul(a.transpose(0, 2, 1)).toType(DataType.FLOAT64, false);
          double[] part = gg.mul(aa).sum(new int[] {1, 2}).toDoubleArray();
          System.arraycopy(part, 0, si, r0, part.length);
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
