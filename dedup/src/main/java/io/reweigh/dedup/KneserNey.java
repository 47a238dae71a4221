package io.reweigh.dedup;

/**
 * Interpolated modified Kneser-Ney (Chen &amp; Goodman 1998; the estimator of KenLM's lmplz):
 *
 * <pre>
 *   P_k(w | h) = (a_k(hw) − D_k(a_k(hw))) / Σ_x a_k(hx)  +  γ_k(h) · P_{k−1}(w | h')
 *   γ_k(h)     = (D_k1·N1(h•) + D_k2·N2(h•) + D_k3+·N3+(h•)) / Σ_x a_k(hx)
 *   P_0(w)     = 1 / |V|
 * </pre>
 *
 * where a_n is the raw count at the highest order and, for k &lt; n, the continuation count (the
 * number of distinct words seen before the k-gram), N_i(h•) counts the words following h whose
 * adjusted count is i (3+ for the last), and h' drops the first word of h. These are the formulas;
 * the tables come from {@link KneserNeyModel} (in memory) or the Spark transform (distributed), so
 * both compute the same numbers.
 */
public final class KneserNey {
  private KneserNey() {}

  /** Σ_x a(hx) and the numbers of followers of h with adjusted count 1, 2 and ≥ 3. */
  public record ContextStats(long sum, long n1, long n2, long n3plus) {}

  public static double gamma(ContextStats ctx, Discounts d) {
    return (d.d1() * ctx.n1() + d.d2() * ctx.n2() + d.d3() * ctx.n3plus()) / ctx.sum();
  }

  /** P_k(w|h) from the adjusted count of hw, the stats of h and the lower-order probability. */
  public static double interpolate(long a, ContextStats ctx, Discounts d, double lower) {
    return (a - d.of(a)) / ctx.sum() + gamma(ctx, d) * lower;
  }
}
