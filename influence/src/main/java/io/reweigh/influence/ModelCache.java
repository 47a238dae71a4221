package io.reweigh.influence;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxy LMs loaded in this JVM, keyed by the sha256 of their checkpoint: each is loaded once per
 * executor JVM (never per task or row) and closed when the JVM shuts down.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final Map<String, ProxyLm> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static NDManager root;

  private ModelCache() {}

  /** A model and whether this call loaded it. */
  public record Entry(ProxyLm model, boolean loaded) {}

  /** The model for {@code key}, loading it from {@code bytes} the first time in this JVM. */
  public static Entry get(String key, Supplier<byte[]> bytes) {
    ProxyLm m = MODELS.get(key);
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
      m = ProxyLm.fromBytes(bytes.get(), root);
      MODELS.put(key, m);
      LOADS.incrementAndGet();
      LOG.info(
          "proxy LM {} loaded on {} in {} ms",
          key.substring(0, 12),
          root.getDevice(),
          (System.nanoTime() - t0) / 1_000_000);
      return new Entry(m, true);
    }
  }

  /** Models loaded by this JVM so far. */
  public static int loads() {
    return LOADS.get();
  }

  static synchronized void closeAll() {
    MODELS.values().forEach(ProxyLm::close);
    MODELS.clear();
    if (root != null) {
      root.close();
      root = null;
    }
  }
}
