package io.reweigh.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.reweigh.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bring-your-own example of conf/byo (tokenizer.json, tiny-lm.pt, reference.json), written by
 * bin/make-byo-example with Python and committed; found from any module's working directory.
 */
public final class ByoExample {
  private ByoExample() {}

  public static Path dir() {
    Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (; d != null; d = d.getParent()) {
      Path c = d.resolve("conf/byo");
      if (Files.isRegularFile(c.resolve("tokenizer.json"))) {
        return c;
      }
    }
    throw new IllegalStateException("conf/byo not found above " + System.getProperty("user.dir"));
  }

  public static Path tokenizer() {
    return dir().resolve("tokenizer.json");
  }

  public static Path model() {
    return dir().resolve("tiny-lm.pt");
  }

  public static JsonNode reference() {
    try {
      return Json.MAPPER.readTree(dir().resolve("reference.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
