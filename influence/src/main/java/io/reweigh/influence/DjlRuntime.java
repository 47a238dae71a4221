package io.reweigh.influence;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.reweigh.core.error.PipelineErrors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DJL PyTorch engine as this JVM uses it (docs/byo-model.md): loaded once, offline, from the
 * native jar on the classpath; the device DJL picks (GPU when one is visible, else CPU); and the
 * two per-JVM traps of autograd inside Spark tasks. PyTorch's grad mode is per thread, so every
 * task thread switches it off before inference work; DJL's gradient collector is one per JVM, so
 * every gradient computation holds {@link #withGradients}'s lock.
 */
public final class DjlRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(DjlRuntime.class);
  private static final Object GRAD_LOCK = new Object();
  private static volatile Engine engine;

  private DjlRuntime() {}

  /** The PyTorch engine, loaded on first use; a clear error when the natives cannot be loaded. */
  public static Engine engine() {
    Engine e = engine;
    if (e != null) {
      return e;
    }
    synchronized (DjlRuntime.class) {
      if (engine == null) {
        if (System.getProperty("ai.djl.offline") == null) {
          System.setProperty("ai.djl.offline", "true");
        }
        // the Hugging Face tokenizers jar registers a second engine (Rust): managers created
        // without an engine name must still be PyTorch's
        if (System.getProperty("ai.djl.default_engine") == null) {
          System.setProperty("ai.djl.default_engine", "PyTorch");
        }
        try {
          Engine loaded = Engine.getEngine("PyTorch");
          LOG.info(
              "DJL {} engine {} loaded; device {}",
              loaded.getEngineName(),
              loaded.getVersion(),
              loaded.defaultDevice());
          engine = loaded;
        } catch (Throwable t) {
          String cache = System.getenv().getOrDefault("DJL_CACHE_DIR", "~/.djl.ai");
          throw PipelineErrors.nativesNotLoaded("PyTorch", cache, t);
        }
      }
      return engine;
    }
  }

  /** The device DJL chose for this JVM: the first GPU if there is one, otherwise the CPU. */
  public static Device device() {
    return engine().defaultDevice();
  }

  /** Caps PyTorch's intra-op threads (one executor's cores), so tasks do not oversubscribe. */
  public static void limitThreads(int threads) {
    engine();
    if (threads > 0 && JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
  }

  /** Switches autograd recording off on the calling thread (new threads start with it on). */
  public static void inferenceThread() {
    engine();
    JniUtils.setGradMode(false);
  }

  /** Runs {@code body} holding the JVM-wide lock that gradient work takes (reentrant). */
  public static <T> T exclusive(java.util.function.Supplier<T> body) {
    synchronized (GRAD_LOCK) {
      return body.get();
    }
  }

  /**
   * Runs {@code body} with a gradient collector, holding the JVM-wide gradient lock; grad mode is
   * off again on this thread afterwards.
   */
  public static <T> T withGradients(Function<GradientCollector, T> body) {
    Engine e = engine();
    synchronized (GRAD_LOCK) {
      try (GradientCollector gc = e.newGradientCollector()) {
        return body.apply(gc);
      } finally {
        JniUtils.setGradMode(false);
      }
    }
  }
}
