package io.reweigh.core.config;

import io.reweigh.core.signal.Signal;
import io.reweigh.core.signal.Signals;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config registry: every key reweigh understands, with its default, validation and help: the
 * base keys below (input, tokenizer, sampler), then the keys each registered signal declares
 * ({@link Signal#keys()}) and one {@code sampler.alpha.<signal>} per signal. The table in
 * docs/config.md is generated from it ({@code reweigh config-doc}); a key that is not here is
 * rejected.
 */
public final class Keys {
  private Keys() {}

  private static final Map<String, ConfigKey<?>> REGISTRY = new LinkedHashMap<>();

  public static final ConfigKey<List<String>> STAGES =
      add(
          ConfigKey.of(
              "stages",
              Signals.all().stream().filter(Signal::enabledByDefault).map(Signal::name).toList(),
              ValueParser.subsetOf(Signals.names().toArray(String[]::new)),
              "Signals to compute (any subset, may be empty: then every weight is 1)."));

  public static final ConfigKey<String> INPUT_FORMAT =
      add(
          ConfigKey.of(
              "input.format",
              "auto",
              ValueParser.oneOf("auto", "parquet", "jsonl"),
              "Input format; auto decides by file extension."));
  public static final ConfigKey<String> INPUT_ID_COLUMN =
      add(
          ConfigKey.of(
              "input.id-column",
              "id",
              ValueParser.nonEmptyString(),
              "Column (JSON field) with the document id."));
  public static final ConfigKey<String> INPUT_TEXT_COLUMN =
      add(
          ConfigKey.of(
              "input.text-column",
              "text",
              ValueParser.nonEmptyString(),
              "Column (JSON field) with the document text."));
  public static final ConfigKey<String> INPUT_DOMAIN_COLUMN =
      add(
          ConfigKey.of(
              "input.domain-column",
              "domain",
              ValueParser.nonEmptyString(),
              "Column (JSON field) with the document domain; optional in the data."));
  public static final ConfigKey<Boolean> INPUT_GENERATE_IDS =
      add(
          ConfigKey.of(
              "input.generate-ids",
              false,
              ValueParser.bool(),
              "Derive ids as '<file name>#<row index>' (Parquet: 0-based row; JSONL: 1-based line)"
                  + " instead of reading an id column."));
  public static final ConfigKey<Integer> INPUT_MAX_DOC_CHARS =
      add(
          ConfigKey.of(
              "input.max-doc-chars",
              10_000_000,
              ValueParser.intRange(1, Integer.MAX_VALUE),
              "Documents longer than this (in chars) go to rejects/."));

  public static final ConfigKey<String> TOKENIZER_KIND =
      add(
          ConfigKey.of(
              "tokenizer.kind",
              "unicode",
              ValueParser.oneOf("unicode"),
              "Tokenizer: unicode (runs of letters/digits, single other characters)."));
  public static final ConfigKey<Boolean> TOKENIZER_LOWERCASE =
      add(
          ConfigKey.of(
              "tokenizer.lowercase",
              false,
              ValueParser.bool(),
              "Lower-case tokens before counting."));

  public static final ConfigKey<String> SAMPLER_MODE =
      add(
          ConfigKey.of(
              "sampler.mode",
              "weighted",
              ValueParser.oneOf("weighted"),
              "weighted: every usable document once with a weight column."));
  public static final ConfigKey<Double> SAMPLER_MAX_WEIGHT_RATIO =
      add(
          ConfigKey.of(
              "sampler.max-weight-ratio",
              100.0,
              ValueParser.doubleRange(1, true, Double.POSITIVE_INFINITY, false),
              "Clip final weights so that max weight / min weight ≤ this (around the median)."));
  public static final ConfigKey<Integer> SAMPLER_SHARD_ROWS =
      add(
          ConfigKey.of(
              "sampler.shard-rows",
              100_000,
              ValueParser.intRange(1, Integer.MAX_VALUE),
              "Rows per output shard (the last shard may be smaller)."));
  public static final ConfigKey<Long> SAMPLER_SEED =
      add(
          ConfigKey.of(
              "sampler.seed",
              0L,
              ValueParser.anyLong(),
              "Seed for every random choice in the run (shard order, samples)."));

  private static final Map<String, ConfigKey<Double>> ALPHA = new LinkedHashMap<>();

  static {
    // each signal's own keys, then its exponent in the sampler's product
    for (Signal s : Signals.all()) {
      s.keys().forEach(Keys::add);
      ALPHA.put(
          s.name(),
          add(
              ConfigKey.of(
                  "sampler.alpha." + s.name(),
                  1.0,
                  ValueParser.doubleRange(0, true, 100, true),
                  "Exponent of weight_" + s.name() + " in the final weight (0 switches it off).")));
    }
  }

  /** sampler.alpha.&lt;signal&gt;. */
  public static ConfigKey<Double> alpha(String signal) {
    ConfigKey<Double> k = ALPHA.get(signal);
    if (k == null) {
      throw new IllegalArgumentException("no signal " + signal);
    }
    return k;
  }

  private static <T> ConfigKey<T> add(ConfigKey<T> k) {
    String key = k.key();
    if (REGISTRY.put(key, k) != null) {
      throw new IllegalStateException("duplicate config key " + key);
    }
    return k;
  }

  public static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(new ArrayList<>(REGISTRY.values()));
  }

  public static ConfigKey<?> find(String key) {
    return REGISTRY.get(key);
  }

  public static List<String> names() {
    return List.copyOf(REGISTRY.keySet());
  }

  /** Markdown table of every key (docs/config.md is generated from this). */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | default | valid values | meaning |\n|---|---|---|---|\n");
    for (ConfigKey<?> k : REGISTRY.values()) {
      sb.append("| `")
          .append(k.key())
          .append("` | `")
          .append(k.defaultText())
          .append("` | ")
          .append(k.expected().replace("|", "\\|"))
          .append(" | ")
          .append(k.help().replace("|", "\\|"))
          .append(" |\n");
    }
    return sb.toString();
  }
}
