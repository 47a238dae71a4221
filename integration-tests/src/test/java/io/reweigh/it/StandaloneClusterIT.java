package io.reweigh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone Spark cluster on this machine — Master and two Workers as separate JVMs from
 * the SPARK_HOME spark-jobs builds — and HDFS (MiniDFSCluster). The shaded jar is submitted in
 * client and cluster deploy mode from hdfs:// input to hdfs:// output; the shards must equal a
 * local-mode run of the same input byte for byte.
 */
class StandaloneClusterIT {
  @TempDir static Path tmp;
  static final List<Process> daemons = new ArrayList<>();
  static MiniDFSCluster hdfs;
  static String master;
  static int masterUi;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Process daemon(String name, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Launcher.JVM_FLAGS);
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(Launcher.SPARK_HOME + "/jars/*");
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", Launcher.SPARK_HOME);
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    daemons.add(p);
    return p;
  }

  @BeforeAll
  static void startCluster() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();

    int port = freePort();
    masterUi = freePort();
    master = "spark://127.0.0.1:" + port;
    daemon(
        "master",
        List.of(
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--webui-port",
            String.valueOf(masterUi)));
    for (int i = 0; i < 2; i++) {
      daemon(
          "worker" + i,
          List.of(
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              "127.0.0.1",
              "--cores",
              "2",
              "--memory",
              "1536m",
              "--webui-port",
              String.valueOf(freePort()),
              "--work-dir",
              tmp.resolve("work" + i).toString(),
              master));
    }
    long deadline = System.currentTimeMillis() + 90_000;
    while (aliveWorkers() < 2) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "workers did not register:\n" + Files.readString(tmp.resolve("master.log")));
      }
      Thread.sleep(500);
    }
  }

  static int aliveWorkers() {
    try (InputStream in =
        URI.create("http://127.0.0.1:" + masterUi + "/json/").toURL().openStream()) {
      Map<?, ?> m = new ObjectMapper().readValue(in, Map.class);
      Object n = m.get("aliveworkers");
      return n == null ? 0 : ((Number) n).intValue();
    } catch (IOException e) {
      return 0;
    }
  }

  @AfterAll
  static void stopCluster() {
    for (Process p : daemons) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> manifest(FileSystem fs, String dir) throws IOException {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(dir + "/manifest.json"))) {
      return new ObjectMapper().readValue(in, Map.class);
    }
  }

  @SuppressWarnings("unchecked")
  static List<String> shardHashes(Map<String, Object> m) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> s : (List<Map<String, Object>>) m.get("shards")) {
      out.add((String) s.get("sha256"));
    }
    return out;
  }

  static List<String> clusterConf() {
    String flags = String.join(" ", Launcher.JVM_FLAGS);
    return List.of(
        "--master", master,
        "--conf", "spark.executor.memory=640m",
        "--conf", "spark.executor.cores=1",
        "--conf", "spark.driver.memory=768m",
        "--conf", "spark.executor.extraJavaOptions=" + flags,
        "--conf", "spark.driver.extraJavaOptions=" + flags,
        "--conf", "spark.sql.shuffle.partitions=4",
        "--conf", "spark.standalone.submit.waitAppCompletion=true");
  }

  @Test
  void clientAndClusterModeFromHdfsEqualLocalMode() throws Exception {
    Path local = tmp.resolve("input");
    Launcher.Result gen =
        Launcher.reweigh(
            tmp.resolve("gen.log"),
            "generate",
            "--output",
            local.toString(),
            "--docs",
            "700",
            "--files",
            "2",
            "--bad-rows");
    assertEquals(0, gen.code(), gen.out());
    FileSystem fs = hdfs.getFileSystem();
    String nn = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(local.toString()), new org.apache.hadoop.fs.Path("/input"));
    List<String> app =
        new ArrayList<>(
            List.of("--set", "sampler.shard-rows=300", "--set", "input.max-doc-chars=29999"));
    app.addAll(Launcher.SMALL_INFLUENCE);
    // every signal, the coreset's MLlib k-means included, runs on the cluster
    app.addAll(
        List.of(
            "--set",
            "stages=[commonness, influence, coreset]",
            "--set",
            "coreset.fraction=0.05",
            "--set",
            "coreset.hashed.dim=512",
            "--set",
            "coreset.kmeans-iterations=5",
            "--set",
            "coreset.validation-docs=0"));

    // reference: local mode on the same hdfs:// input
    List<String> args =
        new ArrayList<>(List.of("run", "--input", nn + "/input", "--output", nn + "/out-local"));
    args.addAll(app);
    Launcher.Result ref =
        Launcher.submit(tmp.resolve("local.log"), List.of("--master", "local[2]"), args);
    assertEquals(0, ref.code(), ref.out());
    Map<String, Object> refManifest = manifest(fs, "/out-local");

    for (String mode : List.of("client", "cluster")) {
      List<String> submit = new ArrayList<>(clusterConf());
      submit.add("--deploy-mode");
      submit.add(mode);
      List<String> a =
          new ArrayList<>(
              List.of("run", "--input", nn + "/input", "--output", nn + "/out-" + mode));
      a.addAll(app);
      Launcher.Result r = Launcher.submit(tmp.resolve(mode + ".log"), submit, a);
      assertEquals(0, r.code(), r.out());
      assertTrue(
          fs.exists(new org.apache.hadoop.fs.Path("/out-" + mode + "/manifest.json")),
          mode + ": no manifest\n" + r.out());
      Map<String, Object> m = manifest(fs, "/out-" + mode);
      @SuppressWarnings("unchecked")
      Map<String, Object> counts = (Map<String, Object>) m.get("counts");
      assertEquals(709, ((Number) counts.get("input_rows")).intValue());
      assertEquals(700, ((Number) counts.get("output_rows")).intValue());
      assertEquals(true, counts.get("accounting_ok"));
      if (!shardHashes(refManifest).equals(shardHashes(m))) {
        Path keep = Path.of(System.getProperty("java.io.tmpdir"), "reweigh-it-diff");
        fs.copyToLocalFile(
            new org.apache.hadoop.fs.Path("/out-local/shards"),
            new org.apache.hadoop.fs.Path(keep + "/local"));
        fs.copyToLocalFile(
            new org.apache.hadoop.fs.Path("/out-" + mode + "/shards"),
            new org.apache.hadoop.fs.Path(keep + "/" + mode));
      }
      assertEquals(
          shardHashes(refManifest), shardHashes(m), mode + " mode shards equal local mode");
    }
    assertTrue(
        new File(tmp.toFile(), "work0").exists() || new File(tmp.toFile(), "work1").exists());

    // fault: one executor JVM killed while the commonness stage runs; Spark retries the lost
    // tasks on a new executor, and the shards are still byte for byte those of the clean runs.
    // The run resumes a copy of the client-mode output without its commonness table, so only
    // commonness and the sampler are computed again (the other stages are skipped as committed).
    org.apache.hadoop.fs.FileUtil.copy(
        fs,
        new org.apache.hadoop.fs.Path("/out-client"),
        fs,
        new org.apache.hadoop.fs.Path("/out-fault"),
        false,
        fs.getConf());
    fs.delete(new org.apache.hadoop.fs.Path("/out-fault/stages/commonness"), true);
    List<String> submit = new ArrayList<>(clusterConf());
    submit.add("--deploy-mode");
    submit.add("client");
    List<String> a =
        new ArrayList<>(List.of("run", "--input", nn + "/input", "--output", nn + "/out-fault"));
    a.addAll(app);
    var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var run = pool.submit(() -> Launcher.submit(tmp.resolve("fault.log"), submit, a));
      String killed = null;
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (killed == null && !run.isDone() && System.nanoTime() < deadline) {
        if (stageRunning(fs, "/out-fault", "commonness")) {
          var executor =
              ProcessHandle.allProcesses()
                  .filter(
                      ph ->
                          ph.info()
                              .commandLine()
                              .map(c -> c.contains("CoarseGrainedExecutorBackend"))
                              .orElse(false))
                  .findFirst();
          if (executor.isPresent()) {
            executor.get().destroyForcibly();
            killed = "pid " + executor.get().pid();
          }
        }
        Thread.sleep(100);
      }
      Launcher.Result r = run.get();
      assertTrue(killed != null, "no executor was killed during commonness\n" + r.out());
      assertEquals(0, r.code(), r.out());
      assertTrue(r.out().contains("influence: committed result is current, skipped"), r.out());
      Map<String, Object> m = manifest(fs, "/out-fault");
      assertEquals(
          shardHashes(refManifest),
          shardHashes(m),
          "shards after an executor (" + killed + ") was killed equal the clean run");
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Bring your own tokenizer and model on real executors: the tokenizer.json and the TorchScript LM
   * of conf/byo are read from HDFS, the executor JVMs (separate processes) load the Rust tokenizer
   * and PyTorch natives from the shaded jar offline, and the model once per JVM.
   */
  @Test
  void byoTokenizerAndModelRunOnExecutorsFromHdfs() throws Exception {
    Path local = tmp.resolve("byo-input");
    Launcher.Result gen =
        Launcher.reweigh(
            tmp.resolve("byo-gen.log"),
            "generate",
            "--output",
            local.toString(),
            "--docs",
            "300",
            "--files",
            "2");
    assertEquals(0, gen.code(), gen.out());
    FileSystem fs = hdfs.getFileSystem();
    String nn = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
    Path byo = Path.of(System.getProperty("user.dir")).resolve("../conf/byo").normalize();
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(local.toString()),
        new org.apache.hadoop.fs.Path("/byo-input"));
    for (String f : List.of("tokenizer.json", "tiny-lm.pt")) {
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(byo.resolve(f).toString()),
          new org.apache.hadoop.fs.Path("/byo/" + f));
    }
    List<String> submit = new ArrayList<>(clusterConf());
    submit.add("--deploy-mode");
    submit.add("client");
    List<String> a =
        List.of(
            "run",
            "--input",
            nn + "/byo-input",
            "--output",
            nn + "/out-byo",
            "--set",
            "tokenizer.kind=huggingface",
            "--set",
            "tokenizer.path=\"" + nn + "/byo/tokenizer.json\"",
            "--set",
            "influence.model=\"" + nn + "/byo/tiny-lm.pt\"",
            "--set",
            "influence.max-tokens=32",
            "--set",
            "stages=[commonness, influence]");
    Launcher.Result r = Launcher.submit(tmp.resolve("byo.log"), submit, a);
    assertEquals(0, r.code(), r.out());
    Map<String, Object> m = manifest(fs, "/out-byo");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> stages = (Map<String, Map<String, Object>>) m.get("stages");
    @SuppressWarnings("unchecked")
    Map<String, Object> tokenizer = (Map<String, Object>) stages.get("ingest").get("tokenizer");
    assertEquals("huggingface", tokenizer.get("kind"), m.toString());
    assertEquals(sha256(byo.resolve("tokenizer.json")), tokenizer.get("sha256"));
    @SuppressWarnings("unchecked")
    Map<String, Object> model = stages.get("proxy-model");
    assertEquals("torchscript", model.get("format"));
    assertEquals(sha256(byo.resolve("tiny-lm.pt")), model.get("sha256"));
    @SuppressWarnings("unchecked")
    Map<String, Object> influence = stages.get("influence");
    int loads = ((Number) influence.get("model_loads")).intValue();
    assertTrue(loads >= 1 && loads <= 2, "one load per executor JVM (2 workers): " + influence);
    @SuppressWarnings("unchecked")
    Map<String, Object> counts = (Map<String, Object>) m.get("counts");
    assertEquals(300, ((Number) counts.get("output_rows")).intValue());
    assertTrue(((Number) counts.get("output_tokens")).longValue() > 0);
  }

  static String sha256(Path p) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  /** Whether a stage's temporary folder exists (the stage is computing). */
  static boolean stageRunning(FileSystem fs, String out, String stage) throws IOException {
    org.apache.hadoop.fs.Path tmpDir = new org.apache.hadoop.fs.Path(out + "/_tmp");
    if (!fs.exists(tmpDir)) {
      return false;
    }
    for (var st : fs.listStatus(tmpDir)) {
      if (st.getPath().getName().startsWith(stage + "-")) {
        return true;
      }
    }
    return false;
  }
}
