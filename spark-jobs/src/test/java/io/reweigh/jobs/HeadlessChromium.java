package io.reweigh.jobs;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Renders a local HTML file in headless Chromium (Debian's {@code chromium}; .ci/run installs it):
 * the DOM after scripts ran ({@code --dump-dom}), the console messages Chromium logs to stderr, and
 * a screenshot. Test code only: reweigh itself starts no processes (docs/guarantees.md).
 */
public final class HeadlessChromium {
  private final String binary;

  private HeadlessChromium(String binary) {
    this.binary = binary;
  }

  /** Chromium on the PATH (or $CHROMIUM), or null when none is installed. */
  public static HeadlessChromium find() {
    List<String> candidates = new ArrayList<>();
    if (System.getenv("CHROMIUM") != null) {
      candidates.add(System.getenv("CHROMIUM"));
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        candidates.add(dir + "/" + name);
      }
    }
    for (String c : candidates) {
      if (new File(c).canExecute()) {
        return new HeadlessChromium(c);
      }
    }
    return null;
  }

  /** The page as Chromium rendered it. */
  public record Page(String dom, List<String> console, BufferedImage screenshot) {
    /** Fraction of screenshot pixels that are not (near) white. */
    public double inked() {
      long n = 0;
      for (int y = 0; y < screenshot.getHeight(); y++) {
        for (int x = 0; x < screenshot.getWidth(); x++) {
          int rgb = screenshot.getRGB(x, y);
          int r = (rgb >> 16) & 0xff;
          int g = (rgb >> 8) & 0xff;
          int b = rgb & 0xff;
          if (r < 235 || g < 235 || b < 235) {
            n++;
          }
        }
      }
      return (double) n / ((long) screenshot.getWidth() * screenshot.getHeight());
    }

    /** Whether the screenshot has a pixel of exactly this colour (0xRRGGBB). */
    public boolean hasColour(int rgb) {
      for (int y = 0; y < screenshot.getHeight(); y++) {
        for (int x = 0; x < screenshot.getWidth(); x++) {
          if ((screenshot.getRGB(x, y) & 0xffffff) == rgb) {
            return true;
          }
        }
      }
      return false;
    }
  }

  public Page render(Path html, Path work, int width, int height)
      throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path png = work.resolve("screenshot.png");
    Path err = work.resolve("chromium-dom.log");
    String url = html.toUri().toString();
    String dom = run(List.of("--dump-dom", url), work.resolve("dom.html"), err, width, height);
    List<String> console = new ArrayList<>();
    for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
      if (line.contains(":CONSOLE")) {
        console.add(line);
      }
    }
    run(
        List.of("--screenshot=" + png, url),
        work.resolve("shot.out"),
        work.resolve("chromium-shot.log"),
        width,
        height);
    BufferedImage image = ImageIO.read(png.toFile());
    if (image == null) {
      throw new IOException(
          "Chromium wrote no screenshot; see " + work.resolve("chromium-shot.log"));
    }
    return new Page(dom, console, image);
  }

  private String run(List<String> args, Path stdout, Path stderr, int width, int height)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
                "--user-data-dir=" + stdout.getParent().resolve("profile"),
                "--window-size=" + width + "," + height));
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("Chromium did not finish in 120 s: " + cmd);
    }
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }
}
