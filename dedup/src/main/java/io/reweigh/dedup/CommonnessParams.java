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
    Tokenizer tokenizer)
    implements Serializable {

  public static CommonnessParams fromConfig(ResolvedConfig cfg) {
    return new CommonnessParams(
        cfg.get(Keys.SOFTDEDUP_ORDER),
        cfg.get(Keys.SOFTDEDUP_MODE),
        cfg.get(Keys.SOFTDEDUP_SKETCH_EPS),
        cfg.get(Keys.SOFTDEDUP_SKETCH_CONFIDENCE),
        cfg.get(Keys.SOFTDEDUP_SKETCH_VALIDATION_DOCS),
        cfg.get(Keys.SOFTDEDUP_WEIGHTING),
        cfg.get(Keys.SOFTDEDUP_SEGMENTS),
        cfg.get(Keys.SOFTDEDUP_CLIP_LOW),
        cfg.get(Keys.SOFTDEDUP_CLIP_HIGH),
        cfg.get(Keys.SAMPLER_SEED),
        Tokenizers.fromConfig(cfg));
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
