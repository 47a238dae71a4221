package io.reweigh.influence.evaluate;

import ai.djl.ndarray.NDManager;
import io.reweigh.influence.ProxyLm;
import io.reweigh.influence.ProxyTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One arm's model in training, able to stop and go on ({@link #advance}): successive halving trains
 * a candidate a few steps, compares, then trains the survivors further. Held-out loss is measured
 * on each of {@code heldOuts} before training, at {@link Evaluation.Settings#evalSteps()} and at
 * every step an {@link #advance} stops at; {@code progress} sees the first set's points.
 */
public final class ArmRun implements AutoCloseable {
  private final String arm;
  private final Evaluation.WindowSource source;
  private final List<Evaluation.HeldOut> heldOuts;
  private final Evaluation.Settings s;
  private final Consumer<Evaluation.Point> progress;
  private final ProxyLm model;
  private final ProxyTrainer.Run run;
  private final List<List<Evaluation.Point>> points = new ArrayList<>();
  private final List<Integer> at;
  private long trained;
  private double lossSum;
  private int lossSteps;
  private int stopAt;

  public ArmRun(
      String arm,
      Evaluation.WindowSource source,
      List<Evaluation.HeldOut> heldOuts,
      Evaluation.Settings s,
      NDManager root,
      Consumer<Evaluation.Point> progress,
      ProxyTrainer.RowWeights weights) {
    this.arm = arm;
    this.source = source;
    this.heldOuts = heldOuts;
    this.s = s;
    this.progress = progress;
    this.at = s.evalSteps();
    this.model = ProxyLm.create(s.shape(), root, s.seed());
    for (int h = 0; h < heldOuts.size(); h++) {
      points.add(new ArrayList<>());
    }
    measure(0, 0, Double.NaN);
    this.run =
        new ProxyTrainer.Run(
            model,
            s.batch(),
            step -> {
              List<int[]> batch = new ArrayList<>(s.batch());
              for (int i = 0; i < s.batch(); i++) {
                batch.add(source.window());
              }
              trained += (long) s.batch() * s.shape().context();
              return batch;
            },
            s::learningRate,
            (step, lr, loss, m) -> {
              lossSum += loss;
              lossSteps++;
              if (at.contains(step) || step == stopAt) {
                measure(step, lr, lossSum / lossSteps);
                lossSum = 0;
                lossSteps = 0;
              }
            },
            s.learningRateKey(),
            weights);
  }

  private void measure(int step, double lr, double trainLoss) {
    for (int h = 0; h < heldOuts.size(); h++) {
      Evaluation.Point p =
          Evaluation.measure(step, trained, lr, trainLoss, model, heldOuts.get(h), s.batch());
      points.get(h).add(p);
      if (h == 0) {
        progress.accept(p);
      }
    }
  }

  /** Trains until {@code toStep} steps are done (at most the settings' steps). */
  public void advance(int toStep) {
    if (toStep > s.steps()) {
      throw new IllegalArgumentException(toStep + " steps of " + s.steps());
    }
    stopAt = toStep;
    run.advance(toStep);
  }

  /** Steps done so far. */
  public int step() {
    return run.step();
  }

  /** The model as trained so far. */
  public ProxyLm model() {
    return model;
  }

  /** The curve measured so far on held-out set {@code heldOut}. */
  public Evaluation.ArmCurve curve(int heldOut) {
    return new Evaluation.ArmCurve(
        arm, List.copyOf(points.get(heldOut)), trained, source.length(), source.passes());
  }

  @Override
  public void close() {
    run.close();
    model.close();
  }
}
