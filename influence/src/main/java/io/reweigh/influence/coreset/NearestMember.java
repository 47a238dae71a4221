package io.reweigh.influence.coreset;

import java.util.List;

/**
 * Propagation by the nearest member: a document takes the weight of the coreset member of its
 * cluster at the smallest squared distance (ties → the smaller id, members being sorted by id); a
 * member is its own nearest member, at distance 0, even beside an identical one.
 */
public final class NearestMember<V> implements Propagation<V> {
  private final Distance<V> distance;

  public NearestMember(Distance<V> distance) {
    this.distance = distance;
  }

  @Override
  public Neighbour of(String id, boolean member, V features, List<Member<V>> members) {
    Member<V> best = null;
    double bestD = Double.POSITIVE_INFINITY;
    for (Member<V> m : members) {
      if (member && !m.id().equals(id)) {
        continue;
      }
      double d = member ? 0 : distance.between(features, m.features());
      if (d < bestD) {
        bestD = d;
        best = m;
      }
    }
    return new Neighbour(best.id(), (double) (float) bestD, best.weight());
  }
}
