package io.reweigh.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SelfInfluenceTest {
  static NDManager root;
  static ProxyLm model;
  static final ProxyLmConfig SHAPE = new ProxyLmConfig(97, 16, 2, 2, 12);

  @BeforeAll
  static void setUp() {
    DjlRuntime.engine();
    root = NDManager.newBaseManager(DjlRuntime.device());
    model = ProxyLm.create(SHAPE, root, 7);
    // a little training so that the gradients are not those of a random model
    ProxyTrainer.train(
        model, sequences(40, 99), new ProxyTrainer.Settings(15, 8, 3e-3, 1), List.of(), null);
  }

  @AfterAll
  static void tearDown() {
    model.close();
    root.close();
  }

  static List<int[]> sequences(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = 2 + r.nextInt(SHAPE.context() + 3); // some longer than the context
      int[] s = new int[len];
      s[0] = Sequences.BOUNDARY;
      for (int j = 1; j < len; j++) {
        s[j] = 2 + r.nextInt(i % 3 == 0 ? 4 : SHAPE.vocab() - 2); // repeated ids in some rows
      }
      out.add(s);
    }
    return out;
  }

  private static void assertMatches(List<String> layers, int rows, int real) {
    assertMatches(layers, rows, real, SelfInfluence.Norm.MEAN);
    assertMatches(layers, rows, real, SelfInfluence.Norm.WINDOW);
  }

  private static void assertMatches(
      List<String> layers, int rows, int real, SelfInfluence.Norm norm) {
    try (NDManager bm = model.manager().newSubManager()) {
      Sequences.Batch b =
          Sequences.batch(bm, sequences(real, 5 + rows).subList(0, real), rows, SHAPE.context());
      double[] fast = SelfInfluence.batched(model, b, layers, norm);
      double[] slow = SelfInfluence.perDocument(model, b, layers, norm);
      assertEquals(real, fast.length);
      for (int i = 0; i < real; i++) {
        assertTrue(slow[i] > 0, "norm of row " + i);
        double rel = Math.abs(fast[i] - slow[i]) / slow[i];
        assertTrue(
            rel <= 1e-4,
            layers
                + " "
                + norm
                + " row "
                + i
                + ": batched "
                + fast[i]
                + " vs per-document "
                + slow[i]);
      }
    }
  }

  @Test
  void batchedNormsMatchPerDocumentLoopForDefaultLayers() {
    assertMatches(List.of("embed", "block0", "head"), 8, 8);
  }

  @Test
  void batchedNormsMatchForEveryLayerGroupAndPaddedBatches() {
    assertMatches(List.of("pos", "block1"), 6, 4);
    assertMatches(List.of("embed"), 5, 5);
    assertMatches(List.of("head"), 5, 3);
    assertMatches(List.of("block0"), 4, 4);
  }

  @Test
  void aDocumentsScoreDoesNotDependOnItsBatch() {
    List<int[]> seqs = sequences(6, 42);
    try (NDManager bm = model.manager().newSubManager()) {
      List<String> layers = List.of("embed", "block0", "head");
      double[] all =
          SelfInfluence.batched(model, Sequences.batch(bm, seqs, 6, SHAPE.context()), layers);
      double[] alone =
          SelfInfluence.batched(
              model, Sequences.batch(bm, List.of(seqs.get(3)), 6, SHAPE.context()), layers);
      List<int[]> reordered = new ArrayList<>(seqs.subList(2, 6));
      double[] later =
          SelfInfluence.batched(model, Sequences.batch(bm, reordered, 6, SHAPE.context()), layers);
      assertEquals(all[3], alone[0], 0.0);
      assertEquals(all[3], later[1], 0.0);
    }
  }

  /** Resident set size of this process (Linux), in bytes. */
  static long rss() throws java.io.IOException {
    for (String line :
        java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  @Test
  void nativeMemoryStaysFlatOverManyBatches() throws Exception {
    ProxyLmConfig shape = new ProxyLmConfig(2048, 64, 2, 4, 64);
    List<String> layers = List.of("embed", "block0", "head");
    try (ProxyLm m = ProxyLm.create(shape, root, 5)) {
      List<int[]> seqs = sequences(16, 77);
      for (int[] s : seqs) {
        for (int j = 0; j < s.length; j++) {
          s[j] = Math.min(s[j], shape.vocab() - 1);
        }
      }
      Runnable batch =
          () -> {
            try (NDManager bm = m.manager().newSubManager()) {
              SelfInfluence.batched(m, Sequences.batch(bm, seqs, 16, 12), layers);
            }
          };
      for (int i = 0; i < 30; i++) {
        batch.run();
      }
      int arrays = m.manager().getManagedArrays().size();
      System.gc();
      long before = rss();
      for (int i = 0; i < 120; i++) {
        batch.run();
      }
      System.gc();
      long grown = rss() - before;
      // no array is left attached to the model's manager by a batch ...
      assertEquals(arrays, m.manager().getManagedArrays().size());
      // ... and each batch allocates ~10 MB of native tensors: leaking them would add 1.2 GB
      assertTrue(grown < 128L << 20, "RSS grew by " + (grown >> 20) + " MB over 120 batches");
    }
  }

  @Test
  void trainingLowersTheLoss() {
    try (ProxyLm m = ProxyLm.create(SHAPE, root, 3)) {
      List<int[]> data = new ArrayList<>();
      SplittableRandom r = new SplittableRandom(1);
      for (int i = 0; i < 30; i++) { // a learnable language: a repeating pattern per document
        int start = r.nextInt(10);
        int[] s = new int[13];
        s[0] = Sequences.BOUNDARY;
        for (int j = 1; j < s.length; j++) {
          s[j] = 2 + (start + j) % 10;
        }
        data.add(s);
      }
      List<Integer> seen = new ArrayList<>();
      double[] curve =
          ProxyTrainer.train(
              m,
              data,
              new ProxyTrainer.Settings(60, 8, 1e-2, 11),
              List.of(30, 60),
              (step, lr, model) -> seen.add(step));
      double first = (curve[0] + curve[1] + curve[2]) / 3;
      double last = (curve[57] + curve[58] + curve[59]) / 3;
      assertTrue(last < first * 0.5, "loss " + first + " -> " + last);
      assertEquals(List.of(30, 60), seen);
    }
  }

  @Test
  void checkpointRoundTripsExactly() {
    byte[] bytes = model.toBytes();
    try (ProxyLm copy = ProxyLm.fromBytes(bytes, root);
        NDManager bm = model.manager().newSubManager()) {
      assertEquals(SHAPE, copy.config());
      Sequences.Batch b = Sequences.batch(bm, sequences(3, 8), 3, SHAPE.context());
      double[] a = SelfInfluence.losses(model, b);
      double[] c = SelfInfluence.losses(copy, b);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], c[i], 0.0);
      }
    }
  }
}
