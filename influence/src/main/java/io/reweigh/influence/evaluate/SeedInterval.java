package io.reweigh.influence.evaluate;

/**
 * A ratio measured once per seed, as its mean and 95% interval across the seeds
 * (docs/evaluation.md, "Seeds and intervals"): Student's t on the per-seed values, on the log scale
 * for ratios of perplexities (the mean per-token loss difference, exponentiated), so that 0.9 and
 * 1/0.9 are equally far from 1.
 *
 * @param mean the ratio's central value (geometric mean for a log-scale interval)
 * @param low the interval's lower end (= mean with one seed)
 * @param high the interval's upper end (= mean with one seed)
 * @param seeds how many per-seed values the interval stands on
 */
public record SeedInterval(double mean, double low, double high, int seeds) {

  /** What a ratio to the baseline says, lower being better (perplexity, steps). */
  public enum Verdict {
    BETTER("better"),
    WORSE("worse"),
    NO_DIFFERENCE("no measurable difference"),
    ONE_SEED("one seed: no interval, not a verdict");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Student's t quantile 0.975 for 1..30 degrees of freedom (standard tables). */
  private static final double[] T975 = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042
  };

  /** The two-sided 95% quantile of Student's t with {@code df} degrees of freedom. */
  public static double t975(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom must be positive: " + df);
    }
    return df <= T975.length ? T975[df - 1] : 1.960 + 2.4 / df;
  }

  /** A ratio exp(d) from per-seed log-ratios {@code d} (e.g. loss differences in nats). */
  public static SeedInterval ofLogRatios(double[] d) {
    SeedInterval s = ofValues(d);
    return new SeedInterval(Math.exp(s.mean), Math.exp(s.low), Math.exp(s.high), s.seeds);
  }

  /** The mean of per-seed values with its t interval. */
  public static SeedInterval ofValues(double[] x) {
    int n = x.length;
    if (n == 0) {
      throw new IllegalArgumentException("no per-seed values");
    }
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    if (n == 1) {
      return new SeedInterval(mean, mean, mean, 1);
    }
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    double half = t975(n - 1) * Math.sqrt(ss / (n - 1) / n);
    return new SeedInterval(mean, mean - half, mean + half, n);
  }

  /** Half the interval's width. */
  public double halfWidth() {
    return (high - low) / 2;
  }

  /** Better or worse than the baseline's 1 only when the whole interval is on one side. */
  public Verdict verdict() {
    if (seeds < 2) {
      return Verdict.ONE_SEED;
    }
    if (high < 1) {
      return Verdict.BETTER;
    }
    if (low > 1) {
      return Verdict.WORSE;
    }
    return Verdict.NO_DIFFERENCE;
  }
}
