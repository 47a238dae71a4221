package io.reweigh.core.config;

import java.util.Objects;

/**
 * One typed config entry: key, default, parser/validator, help text and the stage whose result it
 * changes (its {@code scope}; a stage's fingerprint hashes the keys of its scopes).
 *
 * @param <T> the Java type of the value
 */
public final class ConfigKey<T> {
  private final String key;
  private final T defaultValue;
  private final ValueParser<T> parser;
  private final String help;
  private final String scope;

  ConfigKey(String key, T defaultValue, ValueParser<T> parser, String help, String scope) {
    this.key = Objects.requireNonNull(key);
    this.defaultValue = defaultValue;
    this.parser = Objects.requireNonNull(parser);
    this.help = Objects.requireNonNull(help);
    this.scope = Objects.requireNonNull(scope);
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

  public String scope() {
    return scope;
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
