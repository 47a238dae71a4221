package io.reweigh.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import io.reweigh.core.error.PipelineErrors;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the configuration on the driver: defaults, then a HOCON file ({@code -c}), then {@code
 * --set KEY=VALUE} arguments (VALUE read as a HOCON value). Unknown keys and invalid values fail
 * with a message that names the key, the value, where it came from and the valid choices.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static ResolvedConfig load(File configFile, List<String> setArgs) {
    ResolvedConfig cfg = ResolvedConfig.defaults();
    if (configFile != null) {
      Config file;
      try {
        if (!configFile.isFile()) {
          throw PipelineErrors.configFileUnreadable(configFile.getPath(), "no such file.");
        }
        file =
            ConfigFactory.parseFile(
                configFile,
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
        file = file.resolve();
      } catch (ConfigException e) {
        throw PipelineErrors.configFileUnreadable(configFile.getPath(), e.getMessage());
      }
      cfg = resolve(cfg, flatten(file), "config file " + configFile.getPath());
    }
    if (setArgs != null) {
      for (String arg : setArgs) {
        cfg = resolve(cfg, parseSet(arg), "--set " + arg);
      }
    }
    return cfg;
  }

  /**
   * The config a finished run recorded in its manifest ({@code origin} names it in errors), with
   * {@code --set} arguments applied on top (reweigh evaluate). Keys recorded without a value keep
   * their default.
   */
  public static ResolvedConfig recorded(
      Map<String, Object> values, String origin, List<String> setArgs) {
    Map<String, Object> raw = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (v != null) {
            raw.put(k, v);
          }
        });
    ResolvedConfig cfg = resolve(ResolvedConfig.defaults(), raw, origin);
    for (String arg : setArgs) {
      cfg = resolve(cfg, parseSet(arg), "--set " + arg);
    }
    return cfg;
  }

  /** Parses one {@code KEY=VALUE} argument into key → raw value. */
  static Map<String, Object> parseSet(String arg) {
    int eq = arg.indexOf('=');
    if (eq <= 0) {
      throw PipelineErrors.badSetArgument(arg);
    }
    String key = arg.substring(0, eq).trim();
    String value = arg.substring(eq + 1).trim();
    if (key.isEmpty() || !key.matches("[A-Za-z0-9._-]+")) {
      throw PipelineErrors.badSetArgument(arg);
    }
    // "hdfs://x" or "/a//b" would be cut at "//" (a HOCON comment): such values are plain strings.
    boolean structured = value.startsWith("[") || value.startsWith("{") || value.startsWith("\"");
    if (!structured && (value.contains("//") || value.contains("#"))) {
      return Map.of(key, value);
    }
    try {
      Config c = ConfigFactory.parseString("\"v\" = " + (value.isEmpty() ? "\"\"" : value));
      Object raw = c.getValue("\"v\"").unwrapped();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(key, raw);
      return m;
    } catch (ConfigException e) {
      throw PipelineErrors.badSetArgument(arg);
    }
  }

  static Map<String, Object> flatten(Config c) {
    Map<String, Object> out = new LinkedHashMap<>();
    // object-valued keys are taken whole, so their fields are not mistaken for unknown keys
    for (ConfigKey<?> k : Keys.all()) {
      if (k.objectValued() && c.hasPath(k.key())) {
        out.put(k.key(), c.getValue(k.key()).unwrapped());
        c = c.withoutPath(k.key());
      }
    }
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      out.put(e.getKey(), e.getValue().unwrapped());
    }
    return out;
  }

  static ResolvedConfig resolve(ResolvedConfig base, Map<String, Object> raw, String origin) {
    Map<String, Object> values = new LinkedHashMap<>(base.asMap());
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      String key = e.getKey().replace("\"", "");
      ConfigKey<?> k = Keys.find(key);
      if (k == null) {
        throw PipelineErrors.unknownKey(key, origin, Keys.names(), closest(key));
      }
      try {
        values.put(key, k.parse(e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw PipelineErrors.invalidValue(key, e.getValue(), origin, k.expected());
      }
    }
    return new ResolvedConfig(values);
  }

  /** The registered key nearest to {@code key} by edit distance, if it is close enough. */
  static String closest(String key) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : Keys.names()) {
      int d = editDistance(key, k);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return bestD <= Math.max(2, key.length() / 4) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
