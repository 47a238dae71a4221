package io.reweigh.influence.bench;

import ai.djl.ndarray.NDManager;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.ProxyLm;
import io.reweigh.influence.ProxyLmConfig;
import io.reweigh.influence.SelfInfluence;
import io.reweigh.influence.Sequences;
import io.reweigh.influence.TorchScriptLm;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Self-influence benchmark, all in one JVM on one model: (1) batched per-sample norms vs the
 * per-document backward loop on the same batch; (2) batched SI vs a plain forward+backward (the
 * training gradient) over the same batches; (3) docs/s. Ratios are what to compare across machines.
 *
 * <p>Arguments: [vocab] [width] [tokens] [batch] [batches] [threads]; defaults are the planned
 * defaults (16384 128 128 32 8, all cores).
 */
public final class InfluenceBench {
  private InfluenceBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--torchscript")) {
      torchScript(args);
      return;
    }
    int vocab = arg(args, 0, 16384);
    int width = arg(args, 1, 128);
    int tokens = arg(args, 2, 128);
    int batch = arg(args, 3, 32);
    int batches = arg(args, 4, 8);
    int threads = arg(args, 5, Runtime.getRuntime().availableProcessors());
    DjlRuntime.limitThreads(threads);
    DjlRuntime.inferenceThread();
    ProxyLmConfig shape = new ProxyLmConfig(vocab, width, 2, 4, tokens);
    System.out.printf(
        Locale.ROOT,
        "influence bench: vocab %d, width %d, 2 blocks, %d tokens, batch %d, %d batches, %d"
            + " threads, device %s%n",
        vocab,
        width,
        tokens,
        batch,
        batches,
        threads,
        DjlRuntime.device());
    SplittableRandom rnd = new SplittableRandom(1);
    try (NDManager root = NDManager.newBaseManager(DjlRuntime.device());
        ProxyLm m = ProxyLm.create(shape, root, 1)) {
      List<List<int[]>> data = new ArrayList<>();
      for (int b = 0; b < batches; b++) {
        List<int[]> seqs = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          int[] s = new int[tokens + 1];
          s[0] = Sequences.BOUNDARY;
          for (int j = 1; j < s.length; j++) {
            s[j] = 2 + rnd.nextInt(Math.min(vocab - 2, 3000));
          }
          seqs.add(s);
        }
        data.add(seqs);
      }
      List<String> layers = List.of("embed", "block0", "head");
      // warm-up
      run(m, data.subList(0, 1), tokens, b -> SelfInfluence.batched(m, b, layers));
      run(m, data.subList(0, 1), tokens, b -> SelfInfluence.plainForwardBackward(m, b));
      double plain = run(m, data, tokens, b -> SelfInfluence.plainForwardBackward(m, b));
      double batched = run(m, data, tokens, b -> SelfInfluence.batched(m, b, layers));
      double loop =
          run(m, data.subList(0, 1), tokens, b -> SelfInfluence.perDocument(m, b, layers));
      double perBatchBatched = batched / batches;
      System.out.printf(
          Locale.ROOT,
          "plain forward+backward  %8.3f s/batch%n"
              + "batched SI              %8.3f s/batch   (%.2fx plain; target <= 1.5x)%n"
              + "per-document loop       %8.3f s/batch   (batched is %.1fx faster; target >= 10x)%n"
              + "SI throughput           %8.1f docs/s on %s%n",
          plain / batches,
          perBatchBatched,
          perBatchBatched / (plain / batches),
          loop,
          loop / perBatchBatched,
          batch / perBatchBatched,
          DjlRuntime.device());
    }
  }

  /**
   * {@code --torchscript FILE [tokens=64] [batch=32] [batches=8] [threads]}: a user's TorchScript
   * LM (influence.model): ghost-norm SI of the output layer vs the model's plain forward over the
   * same batches of random ids (what scoring costs above inference), and docs/s.
   */
  private static void torchScript(String[] args) throws Exception {
    String file = args[1];
    String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
    int tokens = arg(rest, 0, 64);
    int batch = arg(rest, 1, 32);
    int batches = arg(rest, 2, 8);
    int threads = arg(rest, 3, Runtime.getRuntime().availableProcessors());
    DjlRuntime.limitThreads(threads);
    DjlRuntime.inferenceThread();
    try (TorchScriptLm m =
        TorchScriptLm.fromBytes(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(file)))) {
      long vocab;
      try (NDManager bm = m.manager().newSubManager()) {
        vocab =
            m.forward(
                    bm.zeros(
                        new ai.djl.ndarray.types.Shape(1, tokens),
                        ai.djl.ndarray.types.DataType.INT64))
                .get(0)
                .getShape()
                .get(2);
      }
      System.out.printf(
          Locale.ROOT,
          "influence bench (TorchScript %s): vocab %d, %d tokens, batch %d, %d batches, %d"
              + " threads, device %s%n",
          file,
          vocab,
          tokens,
          batch,
          batches,
          threads,
          DjlRuntime.device());
      SplittableRandom rnd = new SplittableRandom(1);
      List<List<int[]>> data = new ArrayList<>();
      for (int b = 0; b < batches; b++) {
        List<int[]> seqs = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          int[] s = new int[tokens + 1];
          for (int j = 0; j < s.length; j++) {
            s[j] = rnd.nextInt((int) vocab);
          }
          seqs.add(s);
        }
        data.add(seqs);
      }
      List<String> head = List.of("head");
      Body forward = b -> m.forward(b.ids());
      Body si = b -> m.selfInfluence(b, head, SelfInfluence.Norm.WINDOW);
      run(m.manager(), data.subList(0, 1), tokens, forward);
      run(m.manager(), data.subList(0, 1), tokens, si);
      double plain = run(m.manager(), data, tokens, forward);
      double ghost = run(m.manager(), data, tokens, si);
      System.out.printf(
          Locale.ROOT,
          "forward only            %8.3f s/batch%n"
              + "ghost-norm SI           %8.3f s/batch   (%.2fx the forward)%n"
              + "SI throughput           %8.1f docs/s on %s%n",
          plain / batches,
          ghost / batches,
          ghost / plain,
          batch * batches / ghost,
          DjlRuntime.device());
    }
  }

  private interface Body {
    Object apply(Sequences.Batch b);
  }

  private static double run(ProxyLm m, List<List<int[]>> data, int tokens, Body body) {
    return run(m.manager(), data, tokens, body);
  }

  private static double run(NDManager root, List<List<int[]>> data, int tokens, Body body) {
    long t0 = System.nanoTime();
    for (List<int[]> seqs : data) {
      try (NDManager bm = root.newSubManager()) {
        body.apply(Sequences.batch(bm, seqs, seqs.size(), tokens));
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static int arg(String[] a, int i, int def) {
    return a.length > i ? Integer.parseInt(a[i]) : def;
  }

  @SuppressWarnings("unused")
  private static <T> T time(Supplier<T> s) {
    return s.get();
  }
}
