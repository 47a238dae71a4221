package io.reweigh.core.config;

import java.util.Objects;
import java.util.function.Supplier;

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
  private final Supplier<T> defaultValue;
  private final Supplier<ValueParser<T>> parser;
  private final String help;
  private final boolean affectsOutput;
  private final boolean objectValued;

  private ConfigKey(
      String key,
      Supplier<T> defaultValue,
      Supplier<ValueParser<T>> parser,
      String help,
      boolean affectsOutput,
      boolean objectValued) {
    this.key = Objects.requireNonNull(key);
    this.defaultValue = defaultValue;
    this.parser = parser;
    this.help = Objects.requireNonNull(help);
    this.affectsOutput = affectsOutput;
    this.objectValued = objectValued;
  }

  private ConfigKey(
      String key,
      T defaultValue,
      ValueParser<T> parser,
      String help,
      boolean affectsOutput,
      boolean objectValued) {
    this(
        key,
        () -> defaultValue,
        constant(Objects.requireNonNull(parser)),
        help,
        affectsOutput,
        objectValued);
  }

  private static <V> Supplier<V> constant(V v) {
    return () -> v;
  }

  /** A key whose value can change a stage's output (the usual case). */
  public static <T> ConfigKey<T> of(String key, T def, ValueParser<T> parser, String help) {
    return new ConfigKey<>(key, def, parser, help, true, false);
  }

  /**
   * A key whose default and valid values come from the signals on the class path ({@code stages},
   * {@code evaluate.arms}): computed on first use, so that declaring it does not load the signals
   * (core/config/Keys.java: no Keys → Signals → Signal → Keys class-initialisation cycle).
   */
  public static <T> ConfigKey<T> fromSignals(
      String key, Supplier<T> def, Supplier<ValueParser<T>> parser, String help) {
    return new ConfigKey<>(key, memo(def), memo(parser), help, true, false);
  }

  private static <V> Supplier<V> memo(Supplier<V> s) {
    return new Supplier<>() {
      private volatile V value;

      @Override
      public V get() {
        V v = value;
        if (v == null) {
          v = Objects.requireNonNull(s.get());
          value = v;
        }
        return v;
      }
    };
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
    return defaultValue.get();
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
    return parser.get().expected();
  }

  /** Parses a raw (unwrapped HOCON) value; throws IllegalArgumentException when invalid. */
  public T parse(Object raw) {
    return parser.get().parse(raw);
  }

  public String defaultText() {
    T d = defaultValue.get();
    return d == null ? "–" : parser.get().render(d);
  }

  public String render(Object value) {
    @SuppressWarnings("unchecked")
    T v = (T) value;
    return v == null ? "–" : parser.get().render(v);
  }

  @Override
  public String toString() {
    return key;
  }
}
