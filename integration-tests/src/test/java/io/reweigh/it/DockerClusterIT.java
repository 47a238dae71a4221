package io.reweigh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The docker/ image as a cluster: a master and a worker container built from docker/Dockerfile, the
 * pipeline submitted in client mode from the master container, input and output on a volume both
 * containers share. Skips where no Docker engine runs; StandaloneClusterIT is the cluster proof
 * that runs everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerClusterIT {
  @TempDir Path data;

  static ImageFromDockerfile image() {
    Path root = Path.of(System.getProperty("reweigh.root", "..")).toAbsolutePath().normalize();
    String version = System.getProperty("reweigh.version", "0.1.0-SNAPSHOT");
    String jar = "spark-jobs/target/reweigh-spark-jobs-" + version + "-all.jar";
    return new ImageFromDockerfile("reweigh-it", false)
        .withFileFromPath("docker/Dockerfile", root.resolve("docker/Dockerfile"))
        .withFileFromPath("docker/spark-defaults.conf", root.resolve("docker/spark-defaults.conf"))
        .withFileFromPath("conf/reweigh.conf", root.resolve("conf/reweigh.conf"))
        .withFileFromPath("conf/java17-flags.txt", root.resolve("conf/java17-flags.txt"))
        .withFileFromPath(jar, root.resolve(jar))
        .withBuildArg("REWEIGH_VERSION", version)
        .withDockerfilePath("docker/Dockerfile");
  }

  @Test
  void pipelineRunsOnAMasterAndAWorkerContainer() throws Exception {
    data.toFile().setWritable(true, false);
    ImageFromDockerfile img = image();
    try (Network net = Network.newNetwork();
        GenericContainer<?> master =
            new GenericContainer<>(img)
                .withNetwork(net)
                .withNetworkAliases("master")
                .withEnv("SPARK_NO_DAEMONIZE", "true")
                .withFileSystemBind(data.toString(), "/data")
                .withCommand("/opt/spark/sbin/start-master.sh")
                .waitingFor(Wait.forLogMessage(".*I have been elected leader.*", 1))
                .withStartupTimeout(Duration.ofMinutes(3));
        GenericContainer<?> worker =
            new GenericContainer<>(img)
                .withNetwork(net)
                .withEnv("SPARK_NO_DAEMONIZE", "true")
                .withFileSystemBind(data.toString(), "/data")
                .withCommand(
                    "/opt/spark/sbin/start-worker.sh",
                    "spark://master:7077",
                    "--cores",
                    "2",
                    "--memory",
                    "2g")
                .waitingFor(Wait.forLogMessage(".*Successfully registered with master.*", 1))
                .withStartupTimeout(Duration.ofMinutes(3))) {
      master.start();
      worker.dependsOn(master).start();
      List<String> cmd =
          new java.util.ArrayList<>(
              List.of(
                  "/opt/spark/bin/spark-submit",
                  "--master",
                  "spark://master:7077",
                  "--class",
                  "io.reweigh.jobs.Main",
                  "/opt/spark/jars/reweigh.jar",
                  "demo",
                  "--output",
                  "/data/demo",
                  "--docs",
                  "600"));
      cmd.addAll(Launcher.SMALL_INFLUENCE);
      Container.ExecResult r = master.execInContainer(cmd.toArray(String[]::new));
      assertEquals(0, r.getExitCode(), r.getStdout() + r.getStderr());
      @SuppressWarnings("unchecked")
      Map<String, Object> manifest =
          new ObjectMapper()
              .readValue(data.resolve("demo/output/manifest.json").toFile(), Map.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> counts = (Map<String, Object>) manifest.get("counts");
      assertEquals(true, counts.get("accounting_ok"));
      assertEquals(600, ((Number) counts.get("output_rows")).intValue());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> shards = (List<Map<String, Object>>) manifest.get("shards");
      for (Map<String, Object> s : shards) {
        Path f = data.resolve("demo/output").resolve((String) s.get("path"));
        assertTrue(Files.exists(f), f.toString());
        var md = java.security.MessageDigest.getInstance("SHA-256");
        assertEquals(
            s.get("sha256"), java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(f))));
      }
    }
  }
}
