package io.reweigh.dedup;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.core.text.Tokenizers;
import java.io.Serializable;

/** The commonness stage's plan: everything executors need, resolved on the driver. */
public record CommonnessParams(
    int order,
    String mode,
    double eps,
    double confidence,
    int validationDocs,
    String weighting,
    int segments,
    double clipLow,
    double clipHigh,
    long seed,
    Tokenizer tokenizer,
    String exactPath,
    long inMemoryLimit)
    implements Serializable {

  /**
   * Reads only what the chosen mode uses (the stage fingerprint is the keys read): the sketch keys
   * and sampler.seed (which picks the validation sample) in sketch mode only.
   */
  public static CommonnessParams fromConfig(ResolvedConfig cfg) {
    String mode = cfg.get(CommonnessSignal.MODE);
    boolean sketch = mode.equals("sketch");
    int validationDocs =
        sketch
            ? cfg.get(CommonnessSignal.SKETCH_VALIDATION_DOCS)
            : CommonnessSignal.SKETCH_VALIDATION_DOCS.defaultValue();
    return new CommonnessParams(
        cfg.get(CommonnessSignal.ORDER),
        mode,
        sketch ? cfg.get(CommonnessSignal.SKETCH_EPS) : CommonnessSignal.SKETCH_EPS.defaultValue(),
        sketch
            ? cfg.get(CommonnessSignal.SKETCH_CONFIDENCE)
            : CommonnessSignal.SKETCH_CONFIDENCE.defaultValue(),
        validationDocs,
        cfg.get(CommonnessSignal.WEIGHTING),
        cfg.get(CommonnessSignal.SEGMENTS),
        cfg.get(CommonnessSignal.CLIP_LOW),
        cfg.get(CommonnessSignal.CLIP_HIGH),
        sketch && validationDocs > 0 ? cfg.get(Keys.SAMPLER_SEED) : 0L,
        Tokenizers.fromConfig(cfg),
        sketch ? "auto" : cfg.get(CommonnessSignal.EXACT_PATH),
        sketch ? 0L : cfg.get(CommonnessSignal.EXACT_MEMORY_LIMIT));
  }

  /** Count-min sketch depth and width for (eps, confidence), as Spark's CountMinSketch sizes it. */
  public int sketchDepth() {
    return (int) Math.ceil(-Math.log(1 - confidence) / Math.log(2));
  }

  public int sketchWidth() {
    return (int) Math.ceil(2 / eps);
  }

  public long sketchBytes() {
    return 8L * sketchDepth() * sketchWidth();
  }
}
