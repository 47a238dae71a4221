package io.reweigh.influence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The LM head and its loss, one sample at a time, with the gradient written out by hand:
 * dℓ/dlogits_t = (softmax_t − onehot(y_t)) · mask_t / scale. The [B,T,V] logits of a whole batch
 * never exist: on CPU, tensors of that size (268 MB at the defaults) cost more in page faults than
 * in arithmetic, while one sample's [T,V] stays in the allocator's reused heap.
 *
 * <p>Gives the loss of each sample, dℓ/dh [B,T,d] (fed back through autograd as the gradient of the
 * surrogate Σ h·dh), and optionally the head's ghost norms per sample, Σ_{t,s}(a_t·a_s)(g_t·g_s) +
 * ‖Σ_t g_t‖², or its summed weight gradients (training).
 */
final class HeadPass {
  /** Per-sample loss (mean over the sample's real targets). */
  final double[] loss;

  /** dℓ/dh, [B,T,d], in the batch manager. */
  final NDArray dHidden;

  /** Squared norm of each sample's head gradient (weights + bias), when asked for. */
  final double[] ghost;

  /** Σ over samples of the head's weight and bias gradients, when asked for. */
  final NDArray dWeight;

  final NDArray dBias;

  enum Scale {
    /** ℓ = Σ_b ℓ_b, each ℓ_b the mean over its own targets (self-influence). */
    PER_SAMPLE,
    /** ℓ = Σ_b ℓ_b, each ℓ_b the sum over its targets / T (its share of a packed window of T). */
    PER_SAMPLE_WINDOW,
    /** ℓ = mean over the samples of ℓ_b (the plain per-batch training objective). */
    MEAN_OF_SAMPLES,
    /** ℓ = mean over every target in the batch (proxy LM training). */
    PER_TOKEN,
    /** ℓ = Σ_b r_b Σ_t ℓ_bt with given row weights r (DoReMi's domain-weighted objective). */
    ROW_WEIGHTS
  }

  private HeadPass(double[] loss, NDArray dh, double[] ghost, NDArray dw, NDArray db) {
    this.loss = loss;
    this.dHidden = dh;
    this.ghost = ghost;
    this.dWeight = dw;
    this.dBias = db;
  }

  static HeadPass run(
      ProxyLm m,
      NDArray hidden,
      Sequences.Batch batch,
      Scale scale,
      boolean ghostNorms,
      boolean weightGrads) {
    return run(m, hidden, batch, scale, ghostNorms, weightGrads, null);
  }

  /** The training pass of a weighted objective (Scale.ROW_WEIGHTS), weight gradients summed. */
  static HeadPass run(ProxyLm m, NDArray hidden, Sequences.Batch batch, double[] rowWeights) {
    return run(m, hidden, batch, Scale.ROW_WEIGHTS, false, true, rowWeights);
  }

  private static HeadPass run(
      ProxyLm m,
      NDArray hidden,
      Sequences.Batch batch,
      Scale scale,
      boolean ghostNorms,
      boolean weightGrads,
      double[] rowWeights) {
    NDManager bm = batch.ids().getManager();
    long b = hidden.getShape().get(0);
    long t = hidden.getShape().get(1);
    int d = m.config().dModel();
    int v = m.config().vocab();
    NDArray h = hidden.stopGradient();
    NDArray w = m.param("head.w").stopGradient();
    NDArray wt = w.transpose();
    NDArray bias = m.param("head.b").stopGradient();
    NDArray dh = bm.zeros(new Shape(b, t, d));
    NDArray dw = weightGrads ? bm.zeros(new Shape(d, v)) : null;
    NDArray db = weightGrads ? bm.zeros(new Shape(v)) : null;
    float[] maskAll = batch.mask().toFloatArray();
    double total = 0;
    for (float x : maskAll) {
      total += x;
    }
    double[] loss = new double[(int) b];
    double[] ghost = ghostNorms ? new double[(int) b] : null;
    for (int i = 0; i < b; i++) {
      double n = 0;
      for (int j = 0; j < t; j++) {
        n += maskAll[(int) (i * t + j)];
      }
      double div =
          switch (scale) {
            case PER_SAMPLE -> n;
            case PER_SAMPLE_WINDOW -> t;
            case MEAN_OF_SAMPLES -> n * b;
            case PER_TOKEN -> total;
            case ROW_WEIGHTS -> 1;
          };
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray hb = h.get(i);
        NDArray tgt = batch.targets().get(i);
        NDArray mask = batch.mask().get(i);
        // three [T,V] allocations per sample: logits, softmax, one-hot; the rest in place
        NDArray p = hb.matMul(w).addi(bias).softmax(-1);
        float[] py = p.gather(tgt.expandDims(-1), -1).squeeze(-1).toFloatArray();
        double l = 0;
        for (int j = 0; j < t; j++) {
          l -= maskAll[(int) (i * t + j)] * Math.log(Math.max(py[j], Float.MIN_NORMAL));
        }
        loss[i] = l / n;
        NDArray rowMask =
            scale == Scale.ROW_WEIGHTS ? mask.mul((float) rowWeights[i]) : mask.div((float) div);
        NDArray g = p.subi(tgt.oneHot(v)).muli(rowMask.expandDims(-1));
        dh.set(new NDIndex(i), g.matMul(wt));
        if (ghostNorms) {
          ghost[i] =
              hb.matMul(hb.transpose()).mul(g.matMul(g.transpose())).sum().getFloat()
                  + g.sum(new int[] {0}).square().sum().getFloat();
        }
        if (weightGrads) {
          dw.addi(hb.transpose().matMul(g));
          db.addi(g.sum(new int[] {0}));
        }
      }
    }
    return new HeadPass(loss, dh, ghost, dw, db);
  }

  /**
   * Each target's loss −log p(y_t), [rows][positions], 0 where the mask is 0: no gradients, one
   * row's [T,V] logits at a time.
   */
  static float[][] tokenLosses(ProxyLm m, NDArray hidden, Sequences.Batch batch) {
    long b = hidden.getShape().get(0);
    int t = (int) hidden.getShape().get(1);
    NDArray w = m.param("head.w").stopGradient();
    NDArray bias = m.param("head.b").stopGradient();
    float[] maskAll = batch.mask().toFloatArray();
    float[][] out = new float[(int) b][t];
    for (int i = 0; i < b; i++) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        float[] lp =
            hidden
                .get(i)
                .stopGradient()
                .matMul(w)
                .addi(bias)
                .logSoftmax(-1)
                .gather(batch.targets().get(i).expandDims(-1), -1)
                .squeeze(-1)
                .toFloatArray();
        for (int j = 0; j < t; j++) {
          out[i][j] = maskAll[i * t + j] == 0 ? 0f : -lp[j];
        }
      }
    }
    return out;
  }
}
