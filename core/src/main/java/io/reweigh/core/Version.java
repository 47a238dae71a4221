package io.reweigh.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The project version, as built (recorded in fingerprints and the manifest). */
public final class Version {
  private Version() {}

  private static final String VERSION = load();

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
