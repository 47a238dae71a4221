package io.reweigh.influence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the proxy LM on token sequences with Adam (constant learning rate, global-norm gradient
 * clipping at 1), batches drawn by a seeded RNG, so a run is reproducible on a given device.
 */
public final class ProxyTrainer {
  private ProxyTrainer() {}

  /** Training settings. */
  public record Settings(int steps, int batchSize, double learningRate, long seed) {}

  /** Called at each checkpoint step with the model as it is after that step. */
  @FunctionalInterface
  public interface CheckpointSink {
    void checkpoint(int step, double learningRate, ProxyLm model);
  }

  /** The sequences of one training step (1-based). */
  @FunctionalInterface
  public interface Batches {
    List<int[]> batch(int step);
  }

  /** Learning rate of one step (1-based). */
  @FunctionalInterface
  public interface Schedule {
    double learningRate(int step);
  }

  /** Called after every step with the step's learning rate, training loss and the model. */
  @FunctionalInterface
  public interface StepHook {
    void afterStep(int step, double learningRate, double loss, ProxyLm model);
  }

  /**
   * Runs {@code s.steps()} steps; returns the mean training loss of each step. {@code
   * checkpointSteps} (1-based step numbers) receive the model after that step.
   */
  public static double[] train(
      ProxyLm m, List<int[]> seqs, Settings s, List<Integer> checkpointSteps, CheckpointSink sink) {
    if (seqs.isEmpty()) {
      throw new IllegalArgumentException("no training sequences");
    }
    SplittableRandom rnd = new SplittableRandom(s.seed());
    return train(
        m,
        s.steps(),
        s.batchSize(),
        step -> {
          List<int[]> batch = new ArrayList<>(s.batchSize());
          for (int i = 0; i < s.batchSize(); i++) {
            batch.add(seqs.get(rnd.nextInt(seqs.size())));
          }
          return batch;
        },
        step -> s.learningRate(),
        (step, lr, loss, model) -> {
          if (checkpointSteps.contains(step)) {
            sink.checkpoint(step, lr, model);
          }
        },
        InfluenceSignal.LEARNING_RATE.key());
  }

  /**
   * The training loop: {@code steps} Adam steps on the batches {@code batches} supplies (each of
   * {@code rows} sequences), with the learning rate {@code schedule} gives; {@code hook} runs after
   * each step. Returns the token-weighted mean training loss of each step.
   */
  public static double[] train(
      ProxyLm m,
      int steps,
      int rows,
      Batches batches,
      Schedule schedule,
      StepHook hook,
      String learningRateKey) {
    int positions = m.config().context();
    Map<String, NDArray[]> state = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
      e.getValue().setRequiresGradient(true);
      state.put(e.getKey(), new NDArray[] {e.getValue().zerosLike(), e.getValue().zerosLike()});
    }
    double b1 = 0.9;
    double b2 = 0.999;
    double[] curve = new double[steps];
    NDManager bm = m.manager().newSubManager();
    Map<String, NDArray> headGrads = new LinkedHashMap<>();
    try {
      for (int step = 1; step <= steps; step++) {
        List<int[]> batch = batches.batch(step);
        double lr = schedule.learningRate(step);
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          Sequences.Batch b = Sequences.batch(bm, batch, rows, positions);
          curve[step - 1] =
              DjlRuntime.withGradients(
                  gc -> {
                    NDArray h = m.hidden(b.ids(), null);
                    HeadPass head = HeadPass.run(m, h, b, HeadPass.Scale.PER_TOKEN, false, true);
                    gc.backward(h.mul(head.dHidden).sum());
                    headGrads.put("head.w", head.dWeight);
                    headGrads.put("head.b", head.dBias);
                    float[] mask = b.mask().toFloatArray();
                    int t = positions;
                    double sum = 0;
                    double tokens = 0;
                    for (int r = 0; r < head.loss.length; r++) {
                      double n = 0;
                      for (int j = 0; j < t; j++) {
                        n += mask[r * t + j];
                      }
                      sum += head.loss[r] * n;
                      tokens += n;
                    }
                    return sum / tokens;
                  });
          if (!Double.isFinite(curve[step - 1])) {
            throw new IllegalStateException(
                "proxy LM training diverged: loss "
                    + curve[step - 1]
                    + " at step "
                    + step
                    + "; lower "
                    + learningRateKey);
          }
          update(m, state, headGrads, step, lr, b1, b2, learningRateKey);
        }
        for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
          try (NDScope sc = new NDScope()) {
            sc.suppressNotUsedWarning();
            if (!e.getValue().isInfinite().logicalOr(e.getValue().isNaN()).none().getBoolean()) {
              throw new IllegalStateException(
                  "proxy LM parameter " + e.getKey() + " is not finite after step " + step);
            }
          }
        }
        hook.afterStep(step, lr, curve[step - 1], m);
      }
    } finally {
      for (NDArray p : m.parameters().values()) {
        p.setRequiresGradient(false);
      }
      for (NDArray[] st : state.values()) {
        st[0].close();
        st[1].close();
      }
      bm.close();
    }
    return curve;
  }

  private static void update(
      ProxyLm m,
      Map<String, NDArray[]> state,
      Map<String, NDArray> given,
      int step,
      double lr,
      double b1,
      double b2,
      String learningRateKey) {
    Map<String, NDArray> grads = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
      NDArray g =
          given.containsKey(e.getKey())
              ? given.get(e.getKey())
              : e.getValue().getGradient().duplicate();
      grads.put(e.getKey(), g);
      total += g.square().sum().getFloat();
    }
    if (!Double.isFinite(total)) {
      StringBuilder bad = new StringBuilder();
      for (Map.Entry<String, NDArray> e : grads.entrySet()) {
        float sq = e.getValue().square().sum().getFloat();
        if (!Float.isFinite(sq)) {
          bad.append(e.getKey()).append(' ');
        }
      }
      throw new IllegalStateException(
          "proxy LM training diverged: non-finite gradients of "
              + bad
              + "at step "
              + step
              + "; lower "
              + learningRateKey);
    }
    double clip = Math.min(1.0, 1.0 / (Math.sqrt(total) + 1e-6));
    double c1 = 1 - Math.pow(b1, step);
    double c2 = 1 - Math.pow(b2, step);
    for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
      NDArray p = e.getValue();
      NDArray g = grads.get(e.getKey()).mul(clip);
      NDArray[] st = state.get(e.getKey());
      st[0].muli(b1).addi(g.mul(1 - b1));
      st[1].muli(b2).addi(g.square().mul(1 - b2));
      NDArray upd = st[0].div(c1).div(st[1].div(c2).sqrt().add(1e-8)).mul(lr);
      p.subi(upd);
      if (!given.containsKey(e.getKey())) {
        JniUtils.zeroGrad((PtNDArray) p);
      }
    }
  }
}
