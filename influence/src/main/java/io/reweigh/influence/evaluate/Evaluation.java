package io.reweigh.influence.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.ProxyLm;
import io.reweigh.influence.ProxyLmConfig;
import io.reweigh.influence.ProxyTrainer;
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

  /** One measurement: after {@code step} steps (0 = the untrained model). */
  public record Point(
      int step, long tokens, double learningRate, double trainLoss, double evalLoss) {
    public double perplexity() {
      return Math.exp(evalLoss);
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
  static final class PackedStream {
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

    int[] window() {
      int[] w = new int[context + 1];
      for (int i = 0; i <= context; i++) {
        w[i] = ids[(int) ((next + i) % ids.length)];
      }
      next += context;
      return w;
    }

    long length() {
      return ids.length;
    }

    /** Passes through the stream that the windows handed out so far have started. */
    int passes() {
      return (int) ((next + ids.length - 1) / ids.length);
    }
  }

  /**
   * Held-out windows: the documents packed back to back (ending with a boundary id), at most {@code
   * maxTokens} targets, cut into windows of {@code context + 1} ids with stride {@code context};
   * the last window may be shorter.
   */
  public static List<int[]> heldOutWindows(List<int[]> docs, int context, long maxTokens) {
    long total = 1;
    for (int[] d : docs) {
      total += d.length;
    }
    int n = (int) Math.min(total, maxTokens + 1);
    int[] flat = new int[n];
    int at = 0;
    for (int[] d : docs) {
      int take = Math.min(d.length, n - at);
      System.arraycopy(d, 0, flat, at, take);
      at += take;
      if (at == n) {
        break;
      }
    }
    if (at < n) {
      flat[at] = Sequences.BOUNDARY;
    }
    List<int[]> out = new ArrayList<>();
    for (int start = 0; start + 1 < n; start += context) {
      int end = Math.min(n, start + context + 1);
      out.add(java.util.Arrays.copyOfRange(flat, start, end));
    }
    return out;
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
      List<int[]> heldOut,
      Settings s,
      NDManager root,
      Consumer<Point> progress) {
    PackedStream stream = new PackedStream(docs, s.shape().context());
    List<Integer> at = s.evalSteps();
    List<Point> points = new ArrayList<>();
    long[] trained = {0};
    double[] lossSum = {0};
    int[] lossSteps = {0};
    try (ProxyLm m = ProxyLm.create(s.shape(), root, s.seed())) {
      Point start = new Point(0, 0, 0, Double.NaN, heldOutLoss(m, heldOut, s.batch()));
      points.add(start);
      progress.accept(start);
      ProxyTrainer.train(
          m,
          s.steps(),
          s.batch(),
          step -> {
            List<int[]> batch = new ArrayList<>(s.batch());
            for (int i = 0; i < s.batch(); i++) {
              batch.add(stream.window());
            }
            trained[0] += (long) s.batch() * s.shape().context();
            return batch;
          },
          s::learningRate,
          (step, lr, loss, model) -> {
            lossSum[0] += loss;
            lossSteps[0]++;
            if (at.contains(step)) {
              Point p =
                  new Point(
                      step,
                      trained[0],
                      lr,
                      lossSum[0] / lossSteps[0],
                      heldOutLoss(model, heldOut, s.batch()));
              lossSum[0] = 0;
              lossSteps[0] = 0;
              points.add(p);
              progress.accept(p);
            }
          },
          s.learningRateKey());
    }
    return new ArmCurve(arm, List.copyOf(points), trained[0], stream.length(), stream.passes());
  }

  /**
   * Mean next-token loss (nats) over every target of {@code windows}, in batches of {@code rows}.
   */
  public static double heldOutLoss(ProxyLm m, List<int[]> windows, int rows) {
    DjlRuntime.inferenceThread();
    int positions = m.config().context();
    double sum = 0;
    long n = 0;
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
              sum -= lp.getFloat();
            }
            n += part.get(r).length - 1;
          }
        }
      }
    } finally {
      bm.close();
    }
    return sum / n;
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
