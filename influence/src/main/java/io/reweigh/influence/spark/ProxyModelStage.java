package io.reweigh.influence.spark;

import static org.apache.spark.sql.functions.col;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.hash.Sha256;
import io.reweigh.core.io.KeyFiles;
import io.reweigh.core.json.Json;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.InfluenceSignal;
import io.reweigh.influence.ModelCache;
import io.reweigh.influence.ProxyLm;
import io.reweigh.influence.ProxyModelParams;
import io.reweigh.influence.ProxyTrainer;
import io.reweigh.influence.Sequences;
import io.reweigh.influence.TorchScriptLm;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The proxy-model stage: encodes a seeded sample of {@code train-docs} documents on the executors,
 * trains the proxy LM on the driver (small model; GPU if the driver has one) and writes the
 * checkpoints ({@code checkpoint-NNNNNNN.bin}, with {@code checkpoints.json} naming their steps, η
 * and sha256) and the training loss curve ({@code loss.csv}).
 */
public final class ProxyModelStage {
  private ProxyModelStage() {}

  public static final String CHECKPOINTS_JSON = "checkpoints.json";

  public static StageStats run(
      SparkSession spark, Dataset<Row> docs, ProxyModelParams p, String path) {
    if (p.userModel()) {
      return importModel(spark, p, path);
    }
    Timer timer = new Timer();
    long seed = p.seed();
    var tok = p.tokenizer();
    int vocab = p.shape().vocab();
    int maxTokens = p.maxTokens();
    List<Row> rows =
        docs.select(Columns.ID, Columns.TEXT)
            .withColumn(ScratchColumns.HASH, SparkStats.seededHash(seed, Columns.ID))
            .orderBy(col(ScratchColumns.HASH), col(Columns.ID))
            .limit(p.trainDocs())
            .withColumn(
                ScratchColumns.SEQ,
                functions
                    .udf(
                        (UDF1<String, int[]>) t -> Sequences.encode(tok, t, vocab, maxTokens),
                        DataTypes.createArrayType(DataTypes.IntegerType))
                    .apply(col(Columns.TEXT)))
            .select(ScratchColumns.SEQ)
            .collectAsList();
    List<int[]> seqs = new ArrayList<>(rows.size());
    long tokens = 0;
    for (Row r : rows) {
      List<Integer> l = r.getList(0);
      int[] s = new int[l.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = l.get(i);
      }
      tokens += s.length - 1;
      seqs.add(s);
    }
    if (seqs.isEmpty()) {
      throw new IllegalStateException("no documents to train the proxy LM on");
    }
    timer.lap("prepare");
    DjlRuntime.limitThreads(TorchThreads.of(spark, p.threads()));
    Path dir = new Path(path);
    List<CheckpointEntry> written = new ArrayList<>();
    double[] curve;
    String device;
    try (NDManager root = NDManager.newBaseManager(DjlRuntime.device());
        ProxyLm model = ProxyLm.create(p.shape(), root, seed)) {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.mkdirs(dir);
      device = root.getDevice().toString();
      curve =
          ProxyTrainer.train(
              model,
              seqs,
              new ProxyTrainer.Settings(p.trainSteps(), p.trainBatch(), p.learningRate(), seed),
              p.checkpointSteps(),
              (step, lr, m) -> {
                String name = String.format("checkpoint-%07d.bin", step);
                byte[] bytes = m.toBytes();
                write(fs, new Path(dir, name), bytes);
                written.add(new CheckpointEntry(step, lr, name, sha(bytes), ModelCache.PROXY));
              });
      StringBuilder csv = new StringBuilder("step,loss\n");
      for (int i = 0; i < curve.length; i++) {
        csv.append(i + 1).append(',').append(curve[i]).append('\n');
      }
      write(fs, new Path(dir, "loss.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
      write(fs, new Path(dir, CHECKPOINTS_JSON), Json.MAPPER.writeValueAsBytes(written));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int w = Math.max(1, curve.length / 10);
    timer.lap("train");
    return StageStats.of(
        seqs.size(),
        ProxyModelDetails.trained(
            tokens,
            device,
            p.shape().parameterCount(),
            mean(curve, 0, w),
            mean(curve, curve.length - w, curve.length),
            written,
            timer.timings()));
  }

  /** The file name of an imported influence.model inside the stage directory. */
  public static final String USER_MODEL_FILE = "model.pt";

  /**
   * influence.model: reads the TorchScript file, proves on the driver that it loads and has the
   * documented signature for the batches the run will score ([2, max-tokens] int64 → logits and
   * hidden states, V covering the tokenizer's ids), and commits a copy as the stage's single
   * checkpoint (η = 1), so that a resumed run scores with exactly these bytes.
   */
  static StageStats importModel(SparkSession spark, ProxyModelParams p, String path) {
    Timer timer = new Timer();
    String key = InfluenceSignal.MODEL.key();
    String file = p.model();
    KeyFiles.Content c = KeyFiles.read(key, file, ProxyModelParams.MODEL_FILE);
    if (!c.sha256().equals(p.modelSha256())) {
      throw PipelineErrors.keyFileInvalid(
          key,
          file,
          ProxyModelParams.MODEL_FILE,
          "it changed while the run was being planned (sha256 "
              + p.modelSha256()
              + " then, "
              + c.sha256()
              + " now).",
          "Do not replace the model during a run; run again.",
          null);
    }
    DjlRuntime.limitThreads(TorchThreads.of(spark, p.threads()));
    DjlRuntime.inferenceThread();
    long[] shape;
    String device;
    try (TorchScriptLm m = load(key, file, c.bytes())) {
      shape = probe(key, file, m, p);
      device = m.manager().getDevice().toString();
    }
    timer.lap("check");
    Path dir = new Path(path);
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.mkdirs(dir);
      write(fs, new Path(dir, USER_MODEL_FILE), c.bytes());
      List<CheckpointEntry> entries =
          List.of(new CheckpointEntry(0, 1.0, USER_MODEL_FILE, c.sha256(), ModelCache.TORCHSCRIPT));
      write(fs, new Path(dir, CHECKPOINTS_JSON), Json.MAPPER.writeValueAsBytes(entries));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    timer.lap("copy");
    return StageStats.of(
        0,
        ProxyModelDetails.imported(
            ModelCache.TORCHSCRIPT,
            file,
            c.sha256(),
            c.bytes().length,
            shape[0],
            shape[1],
            device,
            timer.timings()));
  }

  private static TorchScriptLm load(String key, String file, byte[] bytes) {
    try {
      return TorchScriptLm.fromBytes(bytes);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      throw PipelineErrors.keyFileInvalid(
          key,
          file,
          ProxyModelParams.MODEL_FILE,
          "DJL's PyTorch engine cannot load it as TorchScript: " + firstLine(e),
          "Export the model with torch.jit.trace(model, example_ids) and save it with"
              + " traced.save(path) (docs/byo-model.md); a state_dict or a pickled nn.Module is"
              + " not TorchScript.",
          e);
    }
  }

  /** One forward of the run's batch shape; returns {V, d}. */
  private static long[] probe(String key, String file, TorchScriptLm m, ProxyModelParams p) {
    String expected =
        " Expected: "
            + TorchScriptLm.SIGNATURE
            + ", T up to influence.max-tokens ("
            + p.maxTokens()
            + ").";
    try (NDManager bm = m.manager().newSubManager()) {
      NDList out;
      try {
        out = m.forward(bm.zeros(new Shape(2, p.maxTokens()), DataType.INT64));
      } catch (TorchScriptLm.SignatureException e) {
        throw PipelineErrors.keyFileInvalid(
            key,
            file,
            ProxyModelParams.MODEL_FILE,
            "it does not have the expected signature: " + e.getMessage() + "." + expected,
            "Make forward return (logits, hidden_states) as a tuple and export it again"
                + " (docs/byo-model.md).",
            null);
      } catch (RuntimeException e) {
        throw PipelineErrors.keyFileInvalid(
            key,
            file,
            ProxyModelParams.MODEL_FILE,
            "its forward failed on ids int64[2, "
                + p.maxTokens()
                + "]: "
                + firstLine(e)
                + "."
                + expected,
            "Lower influence.max-tokens to the model's context length, or export a model whose"
                + " forward takes int64 ids [B,T] (docs/byo-model.md).",
            e);
      }
      long v = out.get(0).getShape().get(2);
      long d = out.get(1).getShape().get(2);
      int needed = p.tokenizer().vocabularySize();
      if (v < needed) {
        throw PipelineErrors.keyFileInvalid(
            key,
            file,
            ProxyModelParams.MODEL_FILE,
            "its logits cover "
                + v
                + " token ids but the tokenizer ("
                + p.tokenizer()
                + ") has "
                + needed
                + ".",
            "Use the tokenizer.json the model was trained with (tokenizer.path).",
            null);
      }
      return new long[] {v, d};
    }
  }

  /**
   * The line of a TorchScript error that says what failed ("IndexError: index out of range in
   * self"): libtorch puts it after the interpreter's traceback; else the first line.
   */
  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    String[] lines = m.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (lines[i].trim().matches("^[A-Za-z.]*(Error|Exception): .*")) {
        return lines[i].trim();
      }
    }
    return lines[0];
  }

  static String sha(byte[] bytes) {
    try {
      return Sha256.hex(new java.io.ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  private static void write(FileSystem fs, Path p, byte[] bytes) {
    try (OutputStream out = fs.create(p, true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The checkpoints a committed proxy-model stage holds: bytes and η, in step order. */
  public static List<Checkpoint> read(SparkSession spark, String dir) {
    try {
      Path d = new Path(dir);
      FileSystem fs = d.getFileSystem(spark.sparkContext().hadoopConfiguration());
      List<CheckpointEntry> list;
      try (var in = fs.open(new Path(d, CHECKPOINTS_JSON))) {
        list =
            Json.MAPPER.readValue(
                in, new com.fasterxml.jackson.core.type.TypeReference<List<CheckpointEntry>>() {});
      }
      List<Checkpoint> out = new ArrayList<>();
      for (CheckpointEntry c : list) {
        Path f = new Path(d, c.file());
        byte[] bytes = new byte[(int) fs.getFileStatus(f).getLen()];
        try (var in = fs.open(f)) {
          in.readFully(bytes);
        }
        String sha = sha(bytes);
        if (!sha.equals(c.sha256())) {
          throw new IllegalStateException(
              f + " does not match its sha256 in " + CHECKPOINTS_JSON + "; rerun with --force");
        }
        out.add(new Checkpoint(sha, c.eta(), bytes, c.formatOrProxy()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One entry of checkpoints.json: training step, η, file name, sha256 and format ({@code proxy},
   * or {@code torchscript} for an imported influence.model; absent means proxy).
   */
  public record CheckpointEntry(int step, double eta, String file, String sha256, String format) {
    public String formatOrProxy() {
      return format == null ? ModelCache.PROXY : format;
    }
  }

  /**
   * One checkpoint: its sha256 (the model cache key), η and bytes. A plain class, not a record: it
   * is broadcast, and Spark's Kryo cannot serialise records.
   */
  public static final class Checkpoint implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final String sha256;
    private final double eta;
    private final byte[] bytes;
    private final String format;

    public Checkpoint(String sha256, double eta, byte[] bytes) {
      this(sha256, eta, bytes, ModelCache.PROXY);
    }

    public Checkpoint(String sha256, double eta, byte[] bytes, String format) {
      this.sha256 = sha256;
      this.eta = eta;
      this.bytes = bytes;
      this.format = format;
    }

    public String format() {
      return format;
    }

    /** This checkpoint's model in this JVM, loaded the first time. */
    public ModelCache.Entry model() {
      return ModelCache.get(sha256, format, () -> bytes);
    }

    public String sha256() {
      return sha256;
    }

    public double eta() {
      return eta;
    }

    public byte[] bytes() {
      return bytes;
    }
  }
}
