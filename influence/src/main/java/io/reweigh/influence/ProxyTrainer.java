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
          io.reweigh.core.stage.TrainingSteps.step(step, s.steps(), loss);
        },
        InfluenceSignal.LEARNING_RATE.key());
  }

  /**
   * Per-row weights of one step's objective ℓ = Σ_i r_i Σ_t ℓ_it (e.g. DoReMi's domain weights
   * divided by each domain's tokens in the batch), decided after the forward pass from the proxy's
   * own per-token losses ({@code tokenLoss[row][position]}, 0 where masked).
   */
  @FunctionalInterface
  public interface RowWeights {
    double[] rows(int step, List<int[]> batch, Sequences.Batch tensors, float[][] tokenLoss);
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
    try (Run run = new Run(m, rows, batches, schedule, hook, learningRateKey, null)) {
      run.advance(steps);
      return run.curve();
    }
  }

  /**
   * A training run that can stop and go on (successive halving trains a candidate a few steps, then
   * more): the model's Adam state lives here between {@link #advance} calls. Steps are numbered
   * from 1; {@link #close} releases the state and switches the parameters' gradients off.
   */
  public static final class Run implements AutoCloseable {
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private final ProxyLm m;
    private final int rows;
    private final Batches batches;
    private final Schedule schedule;
    private final StepHook hook;
    private final String learningRateKey;
    private final RowWeights weights;
    private final Map<String, NDArray[]> state = new LinkedHashMap<>();
    private final Map<String, NDArray> headGrads = new LinkedHashMap<>();
    private final NDManager bm;
    private final List<Double> curve = new ArrayList<>();
    private int step;

    /** {@code weights} null: every target of a batch alike (the mean over the batch's tokens). */
    public Run(
        ProxyLm m,
        int rows,
        Batches batches,
        Schedule schedule,
        StepHook hook,
        String learningRateKey,
        RowWeights weights) {
      this.m = m;
      this.rows = rows;
      this.batches = batches;
      this.schedule = schedule;
      this.hook = hook;
      this.learningRateKey = learningRateKey;
      this.weights = weights;
      for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
        e.getValue().setRequiresGradient(true);
        state.put(e.getKey(), new NDArray[] {e.getValue().zerosLike(), e.getValue().zerosLike()});
      }
      this.bm = m.manager().newSubManager();
    }

    /** Steps done so far. */
    public int step() {
      return step;
    }

    /** The training loss of every step done so far. */
    public double[] curve() {
      return curve.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Trains until {@code toStep} steps are done. */
    public void advance(int toStep) {
      int positions = m.config().context();
      while (step < toStep) {
        step++;
        List<int[]> batch = batches.batch(step);
        double lr = schedule.learningRate(step);
        double loss;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          Sequences.Batch b = Sequences.batch(bm, batch, rows, positions);
          loss =
              DjlRuntime.withGradients(
                  gc -> {
                    NDArray h = m.hidden(b.ids(), null);
                    HeadPass head =
                        weights == null
                            ? HeadPass.run(m, h, b, HeadPass.Scale.PER_TOKEN, false, true)
                            : HeadPass.run(
                                m,
                                h,
                                b,
                                weights.rows(
                                    step, batch, b, HeadPass.tokenLosses(m, h.stopGradient(), b)));
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
          if (!Double.isFinite(loss)) {
            throw new IllegalStateException(
                "proxy LM training diverged: loss "
                    + loss
                    + " at step "
                    + step
                    + "; lower "
                    + learningRateKey);
          }
          update(m, state, headGrads, step, lr, B1, B2, learningRateKey);
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
        curve.add(loss);
        hook.afterStep(step, lr, loss, m);
      }
    }

    @Override
    public void close() {
      for (NDArray p : m.parameters().values()) {
        p.setRequiresGradient(false);
      }
      for (NDArray[] st : state.values()) {
        st[0].close();
        st[1].close();
      }
      bm.close();
    }
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
