package io.reweigh.core.config;

import java.util.Objects;

/**
 * One typed config entry: key, default, parser/validator and help text. Base keys are declared in
 * {@link Keys}; each signal declares its own ({@link io.reweigh.core.signal.Signal#keys()}) and the
 * registry collects them. Stage fingerprints hash the keys a stage's plan actually read ({@link
 * ResolvedConfig#recording()}), except keys marked {@link #affectsOutput()} false (thread counts
 * and the like, which change speed, never bytes).
 *
 * @param <T> the Java type of the value
 */
public final class ConfigKey<T> {
  private final String key;
  private final T defaultValue;
  private final ValueParser<T> parser;
  private final String help;
  private final boolean affectsOutput;
  private final boolean objectValued;

  private ConfigKey(
      String key,
      T defaultValue,
      ValueParser<T> parser,
      String help,
      boolean affectsOutput,
      boolean objectValued) {
    this.key = Objects.requireNonNull(key);
    this.defaultValue = defaultValue;
    this.parser = Objects.requireNonNull(parser);
    this.help = Objects.requireNonNull(help);
    this.affectsOutput = affectsOutput;
    this.objectValued = objectValued;
  }

  /** A key whose value can change a stage's output (the usual case). */
  public static <T> ConfigKey<T> of(String key, T def, ValueParser<T> parser, String help) {
    return new ConfigKey<>(key, def, parser, help, true, false);
  }

  /**
   * A key whose value may be a whole HOCON object ({@code sampler.domain-targets { web: 0.5 }}):
   * the loader hands the object to the parser instead of reading its fields as keys.
   */
  public static <T> ConfigKey<T> object(String key, T def, ValueParser<T> parser, String help) {
    return new ConfigKey<>(key, def, parser, help, true, true);
  }

  /** A key that only changes how fast or where work runs: left out of stage fingerprints. */
  public static <T> ConfigKey<T> tuning(String key, T def, ValueParser<T> parser, String help) {
    return new ConfigKey<>(key, def, parser, help, false, false);
  }

  public String key() {
    return key;
  }

  /** May be null for optional keys. */
  public T defaultValue() {
    return defaultValue;
  }

  public String help() {
    return help;
  }

  public boolean affectsOutput() {
    return affectsOutput;
  }

  /** Whether the value may be a HOCON object (see {@link #object}). */
  public boolean objectValued() {
    return objectValued;
  }

  /** What a valid value looks like, for errors and docs ("an integer from 1 to 6"). */
  public String expected() {
    return parser.expected();
  }

  /** Parses a raw (unwrapped HOCON) value; throws IllegalArgumentException when invalid. */
  public T parse(Object raw) {
    return parser.parse(raw);
  }

  public String defaultText() {
    return defaultValue == null ? "–" : parser.render(defaultValue);
  }

  public String render(Object value) {
    @SuppressWarnings("unchecked")
    T v = (T) value;
    return v == null ? "–" : parser.render(v);
  }

  @Override
  public String toString() {
    return key;
  }
}
