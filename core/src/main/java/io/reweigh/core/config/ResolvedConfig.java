package io.reweigh.core.config;

import io.reweigh.core.hash.Sha256;
import java.io.Serializable;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resolved configuration of one run: every registered key with its value (CLI {@code --set} >
 * config file > default). Immutable and serialisable, so it can be shipped inside a stage plan.
 */
public final class ResolvedConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TreeMap<String, Object> values;

  ResolvedConfig(Map<String, Object> values) {
    this.values = new TreeMap<>(values);
  }

  /** Every key at its default. */
  public static ResolvedConfig defaults() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (ConfigKey<?> k : Keys.all()) {
      m.put(k.key(), k.defaultValue());
    }
    return new ResolvedConfig(m);
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (!values.containsKey(key.key())) {
      throw new IllegalArgumentException("not a registered key: " + key.key());
    }
    return (T) values.get(key.key());
  }

  /** A copy with one key changed (programmatic use: tests, demo, bench). Validates the value. */
  public ResolvedConfig with(String key, Object rawValue) {
    return ConfigLoader.resolve(this, Map.of(key, rawValue), "override");
  }

  /** A copy with one {@code KEY=VALUE} applied exactly as the CLI's {@code --set} applies it. */
  public ResolvedConfig withSet(String keyEqualsValue) {
    return ConfigLoader.resolve(
        this, ConfigLoader.parseSet(keyEqualsValue), "--set " + keyEqualsValue);
  }

  /** Key → value, sorted by key; lists stay lists. For the manifest. */
  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(values);
  }

  /** SHA-256 of the keys whose scope is in {@code scopes}: part of a stage's fingerprint. */
  public String hashOfScopes(Collection<String> scopes) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      ConfigKey<?> k = Keys.find(e.getKey());
      if (k != null && scopes.contains(k.scope())) {
        sb.append(e.getKey()).append('=').append(k.render(e.getValue())).append('\n');
      }
    }
    return Sha256.hex(sb.toString());
  }

  public List<String> stages() {
    return get(Keys.STAGES);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResolvedConfig r && r.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
