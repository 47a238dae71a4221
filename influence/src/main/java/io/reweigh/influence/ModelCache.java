package io.reweigh.influence;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scoring models loaded in this JVM (proxy-LM checkpoints and users' TorchScript LMs), keyed by the
 * sha256 of their bytes: each is loaded once per executor JVM (never per task or row) and closed
 * when the JVM shuts down.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final Map<String, ScoringModel> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static NDManager root;

  private ModelCache() {}

  /** A model and whether this call loaded it. */
  public record Entry(ScoringModel model, boolean loaded) {}

  /** Model file formats. */
  public static final String PROXY = "proxy";

  public static final String TORCHSCRIPT = "torchscript";

  /** A proxy-LM checkpoint for {@code key}, loaded from {@code bytes} the first time. */
  public static Entry get(String key, Supplier<byte[]> bytes) {
    return get(key, PROXY, bytes);
  }

  /**
   * The model for {@code key}, loading it from {@code bytes} (a {@link #PROXY} checkpoint or a
   * {@link #TORCHSCRIPT} file) the first time in this JVM.
   */
  public static Entry get(String key, String format, Supplier<byte[]> bytes) {
    ScoringModel m = MODELS.get(key);
    if (m != null) {
      return new Entry(m, false);
    }
    synchronized (ModelCache.class) {
      m = MODELS.get(key);
      if (m != null) {
        return new Entry(m, false);
      }
      if (root == null) {
        root = NDManager.newBaseManager(DjlRuntime.device());
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "reweigh-models"));
      }
      long t0 = System.nanoTime();
      m = load(format, bytes.get());
      MODELS.put(key, m);
      LOADS.incrementAndGet();
      LOG.info(
          "{} model {} loaded on {} in {} ms",
          format,
          key.substring(0, 12),
          m.manager().getDevice(),
          (System.nanoTime() - t0) / 1_000_000);
      return new Entry(m, true);
    }
  }

  private static ScoringModel load(String format, byte[] bytes) {
    if (TORCHSCRIPT.equals(format)) {
      try {
        return TorchScriptLm.fromBytes(bytes);
      } catch (java.io.IOException | ai.djl.MalformedModelException e) {
        throw new IllegalStateException("cannot load the TorchScript model: " + e.getMessage(), e);
      }
    }
    return ProxyLm.fromBytes(bytes, root);
  }

  /** Models loaded by this JVM so far. */
  public static int loads() {
    return LOADS.get();
  }

  static synchronized void closeAll() {
    MODELS.values().forEach(ScoringModel::close);
    MODELS.clear();
    if (root != null) {
      root.close();
      root = null;
    }
  }
}
