package io.reweigh.influence.spark;

import static org.apache.spark.sql.functions.col;

import ai.djl.ndarray.NDManager;
import io.reweigh.core.Columns;
import io.reweigh.core.hash.Sha256;
import io.reweigh.core.json.Json;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.ProxyLm;
import io.reweigh.influence.ProxyModelParams;
import io.reweigh.influence.ProxyTrainer;
import io.reweigh.influence.Sequences;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    Timer timer = new Timer();
    long seed = p.seed();
    var tok = p.tokenizer();
    int vocab = p.shape().vocab();
    int maxTokens = p.maxTokens();
    List<Row> rows =
        docs.select(Columns.ID, Columns.TEXT)
            .withColumn("_h", SparkStats.seededHash(seed, Columns.ID))
            .orderBy(col("_h"), col(Columns.ID))
            .limit(p.trainDocs())
            .withColumn(
                "_seq",
                functions
                    .udf(
                        (UDF1<String, int[]>) t -> Sequences.encode(tok, t, vocab, maxTokens),
                        DataTypes.createArrayType(DataTypes.IntegerType))
                    .apply(col(Columns.TEXT)))
            .select("_seq")
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
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("train_tokens", tokens);
    if (seqs.isEmpty()) {
      throw new IllegalStateException("no documents to train the proxy LM on");
    }
    timer.lap("prepare");
    DjlRuntime.limitThreads(InfluenceStage.threads(spark, p.threads()));
    Path dir = new Path(path);
    List<CheckpointEntry> written = new ArrayList<>();
    double[] curve;
    try (NDManager root = NDManager.newBaseManager(DjlRuntime.device());
        ProxyLm model = ProxyLm.create(p.shape(), root, seed)) {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.mkdirs(dir);
      stats.put("device", root.getDevice().toString());
      stats.put("parameters", p.shape().parameterCount());
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
                written.add(new CheckpointEntry(step, lr, name, sha(bytes)));
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
    stats.put("loss_first", mean(curve, 0, w));
    stats.put("loss_last", mean(curve, curve.length - w, curve.length));
    stats.put("checkpoints", written);
    timer.lap("train").into(stats);
    return StageStats.of(seqs.size(), stats);
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
        out.add(new Checkpoint(sha, c.eta(), bytes));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One entry of checkpoints.json: training step, η, file name and sha256. */
  public record CheckpointEntry(int step, double eta, String file, String sha256) {}

  /**
   * One checkpoint: its sha256 (the model cache key), η and bytes. A plain class, not a record: it
   * is broadcast, and Spark's Kryo cannot serialise records.
   */
  public static final class Checkpoint implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final String sha256;
    private final double eta;
    private final byte[] bytes;

    public Checkpoint(String sha256, double eta, byte[] bytes) {
      this.sha256 = sha256;
      this.eta = eta;
      this.bytes = bytes;
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
