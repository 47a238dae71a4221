package io.reweigh.influence.coreset;

import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.InfluenceSignal;
import java.io.Serializable;

/** The coreset stage's plan, resolved on the driver. */
public record CoresetParams(
    double fraction,
    int clusters,
    boolean proxyEmbedding,
    int hashedDim,
    int hashedOrder,
    double bandLow,
    double bandHigh,
    int iterations,
    int validationDocs,
    int phase,
    long seed,
    InfluenceParams influence)
    implements Serializable {

  public static CoresetParams fromConfig(ResolvedConfig cfg) {
    double lo = cfg.get(CoresetSignal.BAND_LOW);
    double hi = cfg.get(CoresetSignal.BAND_HIGH);
    if (lo >= hi) {
      throw PipelineErrors.invalidValue(
          CoresetSignal.BAND_LOW.key(), lo, null, "below coreset.band-high (" + hi + ")");
    }
    boolean proxy = cfg.get(CoresetSignal.EMBEDDING).equals("proxy");
    return new CoresetParams(
        cfg.get(CoresetSignal.FRACTION),
        cfg.get(CoresetSignal.CLUSTERS),
        proxy,
        proxy ? 0 : cfg.get(CoresetSignal.HASHED_DIM),
        proxy ? 0 : cfg.get(CoresetSignal.HASHED_ORDER),
        lo,
        hi,
        cfg.get(CoresetSignal.ITERATIONS),
        cfg.get(CoresetSignal.VALIDATION_DOCS),
        cfg.get(InfluenceSignal.PHASE),
        cfg.get(Keys.SAMPLER_SEED),
        InfluenceParams.fromConfig(cfg));
  }
}
