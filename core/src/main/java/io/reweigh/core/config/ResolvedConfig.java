package io.reweigh.core.config;

import io.reweigh.core.hash.Sha256;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The resolved configuration of one run: every registered key with its value (CLI {@code --set} >
 * config file > default). Immutable and serialisable, so it can be shipped inside a stage plan.
 */
public final class ResolvedConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TreeMap<String, Object> values;

  /** Keys read through {@link #get}, when this is a {@link #recording()} view; else null. */
  private final transient Set<String> reads;

  /**
   * sha256 of the files that file-valued keys name, noted by the plan that read them ({@link
   * #noteContent}); part of {@link #hashOfReads()}. Null unless recording.
   */
  private final transient Map<String, String> contents;

  ResolvedConfig(Map<String, Object> values) {
    this(new TreeMap<>(values), null, null);
  }

  private ResolvedConfig(
      TreeMap<String, Object> values, Set<String> reads, Map<String, String> contents) {
    this.values = values;
    this.reads = reads;
    this.contents = contents;
  }

  /**
   * A view of this config that remembers every key read through it. A stage plans from such a view
   * and its fingerprint is {@link #hashOfReads()}: exactly the keys its plan read, whatever scope
   * or prefix they have (docs/architecture.md, "Stage commit protocol").
   */
  public ResolvedConfig recording() {
    return new ResolvedConfig(
        values,
        Collections.synchronizedSet(new TreeSet<>()),
        Collections.synchronizedMap(new TreeMap<>()));
  }

  /**
   * Records that the file named by {@code key} had content {@code sha256} when the plan read it, so
   * that a stage fingerprint changes when the file does although the path does not (a
   * tokenizer.json or a TorchScript model replaced in place). A no-op on a view that is not
   * recording.
   */
  public void noteContent(String key, String sha256) {
    if (contents != null) {
      contents.put(key, sha256);
    }
  }

  /** The keys read so far through this recording view, sorted. */
  public List<String> keysRead() {
    if (reads == null) {
      throw new IllegalStateException("not a recording view: call recording() first");
    }
    synchronized (reads) {
      return List.copyOf(reads);
    }
  }

  /**
   * SHA-256 of key=value of every key read through this recording view that can change output
   * ({@link ConfigKey#affectsOutput()}).
   */
  public String hashOfReads() {
    StringBuilder sb = new StringBuilder();
    for (String key : keysRead()) {
      ConfigKey<?> k = Keys.find(key);
      if (k != null && k.affectsOutput()) {
        sb.append(key).append('=').append(k.render(values.get(key))).append('\n');
        String sha = contents.get(key);
        if (sha != null) {
          sb.append(key).append("#sha256=").append(sha).append('\n');
        }
      }
    }
    return Sha256.hex(sb.toString());
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
    if (reads != null) {
      reads.add(key.key());
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
