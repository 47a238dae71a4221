package io.reweigh.influence.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.ProxyLmConfig;
import io.reweigh.influence.Sequences;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  static final ProxyLmConfig SHAPE = new ProxyLmConfig(64, 16, 1, 2, 16);
  static final Evaluation.Settings SETTINGS =
      new Evaluation.Settings(SHAPE, 60, 8, 20, 1e-2, 0.1, 3, "evaluate.learning-rate");
  static NDManager root;

  @BeforeAll
  static void setUp() {
    DjlRuntime.engine();
    DjlRuntime.limitThreads(2);
    root = NDManager.newBaseManager(DjlRuntime.device());
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  /**
   * Documents of a first-order Markov chain over ids {@code from..from+span}: each id is followed
   * by id+1 or id+2, so a model can learn the chain within a few dozen steps.
   */
  static List<int[]> chain(int docs, int from, int span, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < docs; i++) {
      int[] d = new int[1 + 10 + r.nextInt(20)];
      d[0] = Sequences.BOUNDARY;
      int id = r.nextInt(span);
      for (int j = 1; j < d.length; j++) {
        d[j] = from + id;
        id = (id + 1 + r.nextInt(2)) % span;
      }
      out.add(d);
    }
    return out;
  }

  static List<int[]> random(int docs, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < docs; i++) {
      int[] d = new int[1 + 5 + r.nextInt(60)];
      d[0] = Sequences.BOUNDARY;
      for (int j = 1; j < d.length; j++) {
        d[j] = 2 + r.nextInt(SHAPE.vocab() - 2);
      }
      out.add(d);
    }
    return out;
  }

  @Test
  void identicalArmsGiveIdenticalCurvesAndEveryArmTrainsTheSameTokens() {
    Evaluation.HeldOut heldOut = heldOut(chain(30, 2, 20, 9));
    List<int[]> docs = chain(50, 2, 20, 1);
    Evaluation.ArmCurve a = Evaluation.train("a", docs, heldOut, SETTINGS, root, p -> {});
    Evaluation.ArmCurve b = Evaluation.train("b", docs, heldOut, SETTINGS, root, p -> {});
    assertEquals(a.points(), b.points(), "same documents, same seed: same curve");
    assertEquals(List.of(0, 20, 40, 60), a.points().stream().map(Evaluation.Point::step).toList());
    // a stream of other lengths trains exactly the same number of next-token predictions
    Evaluation.ArmCurve c = Evaluation.train("c", random(7, 4), heldOut, SETTINGS, root, p -> {});
    assertEquals(SETTINGS.budgetTokens(), a.trainedTokens());
    assertEquals(SETTINGS.budgetTokens(), c.trainedTokens());
    assertEquals(a.last().tokens(), c.last().tokens());
    assertTrue(c.passes() > 1, "a short stream is repeated: " + c.passes());
    assertEquals(a.points().get(0), c.points().get(0), "same initial model for every arm");
    assertNotEquals(a.last().evalLoss(), c.last().evalLoss());
  }

  @Test
  void trainingOnTheHeldOutDistributionLowersHeldOutLossMoreThanTrainingOnNoise() {
    Evaluation.HeldOut heldOut = heldOut(chain(40, 2, 20, 77));
    Evaluation.ArmCurve clean =
        Evaluation.train("clean", chain(200, 2, 20, 5), heldOut, SETTINGS, root, p -> {});
    Evaluation.ArmCurve noise =
        Evaluation.train("noise", random(200, 6), heldOut, SETTINGS, root, p -> {});
    double start = clean.points().get(0).evalLoss();
    assertEquals(Math.log(SHAPE.vocab()), start, 0.3, "an untrained model is near uniform");
    assertTrue(
        clean.last().evalLoss() < noise.last().evalLoss() - 0.5,
        clean.last().evalLoss() + " vs " + noise.last().evalLoss());
    assertTrue(clean.last().evalLoss() < start - 1, "the chain is learnt");
    Double reach = Evaluation.stepsToReach(clean.points(), noise.last().evalLoss());
    assertTrue(reach != null && reach < SETTINGS.steps(), "clean reaches noise's final loss");
  }

  /** Every window of every document, ungrouped. */
  static Evaluation.HeldOut heldOut(List<int[]> docs) {
    List<int[]> windows = new ArrayList<>();
    for (int[] d : docs) {
      for (int j = 0; j < Windows.windowCount(d.length - 1, SHAPE.context()); j++) {
        windows.add(Windows.window(d, j, SHAPE.context()));
      }
    }
    return Evaluation.HeldOut.ungrouped(windows);
  }

  @Test
  void perGroupLossesAverageToTheWholeHeldOutLoss() {
    List<int[]> a = heldOut(chain(20, 2, 20, 5)).windows();
    List<int[]> b = heldOut(random(20, 8)).windows();
    List<int[]> all = new ArrayList<>(a);
    all.addAll(b);
    int[] groups = new int[all.size()];
    for (int i = a.size(); i < all.size(); i++) {
      groups[i] = 1;
    }
    Evaluation.HeldOut h = new Evaluation.HeldOut(all, groups, List.of("chain", "noise"));
    Evaluation.ArmCurve c = Evaluation.train("a", chain(50, 2, 20, 1), h, SETTINGS, root, p -> {});
    Evaluation.Point last = c.last();
    double ta = Evaluation.targets(a);
    double tb = Evaluation.targets(b);
    assertEquals(
        last.evalLoss(),
        (last.groupLoss().get(0) * ta + last.groupLoss().get(1) * tb) / (ta + tb),
        1e-9);
    assertTrue(last.groupLoss().get(0) < last.groupLoss().get(1), "the chain is learnt");
    assertEquals(
        List.of(),
        Evaluation.train(
                "b", chain(50, 2, 20, 1), heldOut(chain(5, 2, 20, 3)), SETTINGS, root, p -> {})
            .last()
            .groupLoss());
  }

  @Test
  void stepsToReachInterpolatesAndSaysWhenACurveNeverGetsThere() {
    List<Evaluation.Point> curve =
        List.of(
            new Evaluation.Point(0, 0, 0, Double.NaN, 5.0, List.of()),
            new Evaluation.Point(10, 1, 0, 1, 4.0, List.of()),
            new Evaluation.Point(20, 2, 0, 1, 3.0, List.of()));
    assertEquals(15.0, Evaluation.stepsToReach(curve, 3.5), 1e-12);
    assertEquals(20.0, Evaluation.stepsToReach(curve, 3.0), 1e-12);
    assertEquals(0.0, Evaluation.stepsToReach(curve, 6.0), 1e-12);
    assertNull(Evaluation.stepsToReach(curve, 2.9));
  }

  @Test
  void learningRateWarmsUpThenDecaysToATenth() {
    Evaluation.Settings s =
        new Evaluation.Settings(SHAPE, 100, 1, 10, 1e-3, 0.1, 0, "evaluate.learning-rate");
    assertEquals(1e-4, s.learningRate(1), 1e-15);
    assertEquals(1e-3, s.learningRate(10), 1e-15);
    assertEquals(1e-4, s.learningRate(100), 1e-12);
    assertTrue(s.learningRate(50) < 1e-3 && s.learningRate(50) > 1e-4);
  }
}
