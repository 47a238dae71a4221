package io.reweigh.influence.evaluate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training windows drawn from k domains with equal probability, one seeded draw per window (the
 * proxy's sampling distribution in DoReMi, {@link DoReMi}); each domain's windows come from its own
 * packed stream of drawn chunks. Remembers each window's domain until {@link #takeDomains} hands
 * them over.
 */
public final class DomainMixture implements Evaluation.WindowSource {
  private final List<Evaluation.WindowSource> streams;
  private final SplittableRandom random;
  private final List<Integer> pending = new ArrayList<>();

  public DomainMixture(List<Evaluation.WindowSource> streams, long seed) {
    if (streams.size() < 2) {
      throw new IllegalArgumentException("a mixture needs two domains or more");
    }
    this.streams = List.copyOf(streams);
    this.random = new SplittableRandom(seed);
  }

  public int domains() {
    return streams.size();
  }

  @Override
  public int[] window() {
    int d = random.nextInt(streams.size());
    pending.add(d);
    return streams.get(d).window();
  }

  /** The domains of the next {@code n} windows handed out since the last call. */
  public int[] takeDomains(int n) {
    if (pending.size() < n) {
      throw new IllegalStateException(n + " domains asked, " + pending.size() + " pending");
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = pending.get(i);
    }
    pending.subList(0, n).clear();
    return out;
  }

  @Override
  public long length() {
    long n = 0;
    for (Evaluation.WindowSource s : streams) {
      n += s.length();
    }
    return n;
  }

  @Override
  public int passes() {
    int p = 0;
    for (Evaluation.WindowSource s : streams) {
      p = Math.max(p, s.passes());
    }
    return p;
  }
}
