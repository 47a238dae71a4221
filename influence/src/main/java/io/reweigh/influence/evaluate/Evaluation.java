package io.reweigh.influence.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.ProxyLm;
import io.reweigh.influence.ProxyLmConfig;
import io.reweigh.influence.Sequences;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The training-outcome measurement behind {@code reweigh evaluate} (docs/evaluation.md), without
 * Spark: one small causal LM trained from scratch per arm, the arms alike in everything (initial
 * weights, steps, batch, context, learning-rate schedule, token budget) except which documents
 * their training stream holds; held-out perplexity measured every few steps.
 *
 * <p>Token budgets are equal by construction: an arm's documents are packed back to back (each
 * starting with the boundary id) into one stream, cut into windows of {@code context + 1} ids with
 * a stride of {@code context}, so every step trains exactly {@code batch × context} next-token
 * predictions; a stream shorter than the budget is repeated from its start (counted in {@link
 * ArmCurve#passes()}).
 */
public final class Evaluation {
  private Evaluation() {}

  /** What every arm shares. */
  public record Settings(
      ProxyLmConfig shape,
      int steps,
      int batch,
      int every,
      double learningRate,
      double warmup,
      long seed,
      String learningRateKey) {

    public Settings {
      if (steps < 1 || batch < 1 || every < 1) {
        throw new IllegalArgumentException("steps, batch and every must be positive");
      }
    }

    /** The same settings with another number of steps (DoReMi's models, tune.doremi.steps). */
    public Settings withSteps(int other) {
      return new Settings(shape, other, batch, every, learningRate, warmup, seed, learningRateKey);
    }

    /** The same settings with another seed (one run of a multi-seed evaluation). */
    public Settings withSeed(long other) {
      return new Settings(shape, steps, batch, every, learningRate, warmup, other, learningRateKey);
    }

    /** Next-token predictions each arm trains on. */
    public long budgetTokens() {
      return (long) steps * batch * shape.context();
    }

    /**
     * Linear warm-up over {@code warmup × steps} steps, then cosine decay to a tenth of the peak.
     */
    public double learningRate(int step) {
      int warm = (int) Math.ceil(warmup * steps);
      if (step <= warm) {
        return learningRate * step / warm;
      }
      double progress = (double) (step - warm) / Math.max(1, steps - warm);
      return learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** Steps after which held-out loss is measured: every {@code every}-th and the last. */
    public List<Integer> evalSteps() {
      List<Integer> out = new ArrayList<>();
      for (int s = every; s < steps; s += every) {
        out.add(s);
      }
      out.add(steps);
      return out;
    }
  }

  /**
   * One measurement: after {@code step} steps (0 = the untrained model); {@code groupLoss} the mean
   * held-out loss of each group of {@link HeldOut#groupNames()} (empty without groups).
   */
  public record Point(
      int step,
      long tokens,
      double learningRate,
      double trainLoss,
      double evalLoss,
      List<Double> groupLoss) {
    public double perplexity() {
      return Math.exp(evalLoss);
    }
  }

  /**
   * Held-out windows ({@link Windows#window}), each scored on its own; {@code groups[i]} is window
   * i's index into {@code groupNames} (a domain), or every window in group 0 when {@code
   * groupNames} is empty.
   */
  public record HeldOut(List<int[]> windows, int[] groups, List<String> groupNames) {
    public HeldOut {
      if (groups.length != windows.size()) {
        throw new IllegalArgumentException("one group per window");
      }
    }

    public static HeldOut ungrouped(List<int[]> windows) {
      return new HeldOut(windows, new int[windows.size()], List.of());
    }

    /** Next-token predictions the windows hold. */
    public long targets() {
      return Evaluation.targets(windows);
    }
  }

  /**
   * One arm's curve; {@code streamTokens} distinct positions in its packed stream and {@code
   * passes} how many times training went through it (1 = no repetition).
   */
  public record ArmCurve(
      String arm, List<Point> points, long trainedTokens, long streamTokens, int passes) {
    public Point last() {
      return points.get(points.size() - 1);
    }
  }

  /**
   * A document as evaluation-LM ids, {@code [boundary, t1 … tn]}: the tokenizer's ids hashed into
   * {@code vocab - 2} buckets, or mapped one to one when they fit, as the proxy LM does ({@link
   * Sequences}).
   */
  public static int[] encode(Tokenizer tokenizer, String text, int vocab) {
    long[] ids = tokenizer.tokenIds(text);
    boolean direct = Sequences.direct(tokenizer, vocab);
    int[] seq = new int[ids.length + 1];
    seq[0] = Sequences.BOUNDARY;
    for (int i = 0; i < ids.length; i++) {
      seq[i + 1] = Sequences.token(ids[i], direct, vocab);
    }
    return seq;
  }

  /**
   * Documents packed into one stream; windows of {@code context + 1} ids, stride {@code context}.
   */
  static final class PackedStream implements WindowSource {
    private final int[] ids;
    private final int context;
    private long next;

    PackedStream(List<int[]> docs, int context) {
      long n = 0;
      for (int[] d : docs) {
        n += d.length;
      }
      if (n < 2) {
        throw new IllegalArgumentException("an arm needs at least two tokens to train on");
      }
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("an arm's stream of " + n + " ids is too long");
      }
      ids = new int[(int) n];
      int at = 0;
      for (int[] d : docs) {
        System.arraycopy(d, 0, ids, at, d.length);
        at += d.length;
      }
      this.context = context;
    }

    @Override
    public int[] window() {
      int[] w = new int[context + 1];
      for (int i = 0; i <= context; i++) {
        w[i] = ids[(int) ((next + i) % ids.length)];
      }
      next += context;
      return w;
    }

    @Override
    public long length() {
      return ids.length;
    }

    @Override
    public int passes() {
      return (int) ((next + ids.length - 1) / ids.length);
    }
  }

  /** Next-token predictions the windows hold. */
  public static long targets(List<int[]> windows) {
    long n = 0;
    for (int[] w : windows) {
      n += w.length - 1;
    }
    return n;
  }

  /**
   * Trains a fresh model (initial weights from {@code s.seed()}, the same for every arm) on {@code
   * docs} packed in the given order, measuring mean held-out loss per token on {@code heldOut}
   * before training and at {@link Settings#evalSteps()}; {@code progress} sees each point.
   */
  public static ArmCurve train(
      String arm,
      List<int[]> docs,
      HeldOut heldOut,
      Settings s,
      NDManager root,
      Consumer<Point> progress) {
    try (ArmRun run =
        new ArmRun(
            arm,
            new PackedStream(docs, s.shape().context()),
            List.of(heldOut),
            s,
            root,
            progress,
            null)) {
      run.advance(s.steps());
      return run.curve(0);
    }
  }

  /** Where an arm's training windows come from, one at a time. */
  public interface WindowSource {
    /** The next window of {@code context + 1} ids. */
    int[] window();

    /** Distinct ids the source holds. */
    long length();

    /** Passes through the source that the windows handed out so far have started. */
    int passes();
  }

  /** An arm's drawn chunks packed into one stream ({@link PackedStream}). */
  public static WindowSource packed(List<int[]> chunks, int context) {
    return new PackedStream(chunks, context);
  }

  /** A point: mean held-out loss per token over all windows and per group. */
  static Point measure(
      int step, long tokens, double lr, double trainLoss, ProxyLm m, HeldOut h, int rows) {
    double[] sums = windowLosses(m, h.windows(), rows);
    int groups = Math.max(1, h.groupNames().size());
    double[] gs = new double[groups];
    long[] gn = new long[groups];
    double sum = 0;
    long n = 0;
    for (int i = 0; i < sums.length; i++) {
      int t = h.windows().get(i).length - 1;
      gs[h.groups()[i]] += sums[i];
      gn[h.groups()[i]] += t;
      sum += sums[i];
      n += t;
    }
    List<Double> perGroup = new ArrayList<>();
    for (int g = 0; g < h.groupNames().size(); g++) {
      perGroup.add(gn[g] == 0 ? Double.NaN : gs[g] / gn[g]);
    }
    return new Point(step, tokens, lr, trainLoss, sum / n, List.copyOf(perGroup));
  }

  /** Summed next-token loss (nats) over the targets of each window, in batches of {@code rows}. */
  public static double[] windowLosses(ProxyLm m, List<int[]> windows, int rows) {
    DjlRuntime.inferenceThread();
    int positions = m.config().context();
    double[] out = new double[windows.size()];
    NDArray w = m.param("head.w");
    NDArray bias = m.param("head.b");
    NDManager bm = m.manager().newSubManager();
    try {
      for (int from = 0; from < windows.size(); from += rows) {
        List<int[]> part = windows.subList(from, Math.min(windows.size(), from + rows));
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          Sequences.Batch b = Sequences.batch(bm, part, rows, positions);
          NDArray h = m.hidden(b.ids(), null);
          // one window's [T,V] logits at a time: a batch's [B,T,V] costs more in page faults
          // than in arithmetic on CPU (HeadPass)
          for (int r = 0; r < b.real(); r++) {
            try (NDScope one = new NDScope()) {
              one.suppressNotUsedWarning();
              NDArray lp =
                  h.get(r)
                      .matMul(w)
                      .addi(bias)
                      .logSoftmax(-1)
                      .gather(b.targets().get(r).expandDims(-1), -1)
                      .squeeze(-1)
                      .mul(b.mask().get(r))
                      .sum();
              out[from + r] = -lp.getFloat();
            }
          }
        }
      }
    } finally {
      bm.close();
    }
    return out;
  }

  /**
   * Steps a curve needs to reach a held-out loss of {@code target}: the first measurement at or
   * below it, interpolated linearly from the one before; null when it never gets there.
   */
  public static Double stepsToReach(List<Point> curve, double target) {
    for (int i = 0; i < curve.size(); i++) {
      Point p = curve.get(i);
      if (p.evalLoss() <= target) {
        if (i == 0) {
          return (double) p.step();
        }
        Point q = curve.get(i - 1);
        double f = (q.evalLoss() - target) / (q.evalLoss() - p.evalLoss());
        return q.step() + f * (p.step() - q.step());
      }
    }
    return null;
  }
}
