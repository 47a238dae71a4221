package io.reweigh.influence.coreset;

import java.io.Serializable;
import java.util.List;

/**
 * How a document takes its weight from the coreset members of its cluster (docs/coreset.md, step
 * 5), without Spark and whatever the vectors are ({@code V}). The Spark side
 * (coreset/spark/PropagationJob.java) broadcasts the members by cluster and calls {@link #of} for
 * every document; {@link NearestMember} is the rule in use.
 */
public interface Propagation<V> extends Serializable {

  /**
   * A coreset member: its id, its features and its (unnormalised) PRESENCE weight. A class, not a
   * record: the members are broadcast, and Spark's Kryo cannot build a serializer for records.
   */
  final class Member<V> implements Serializable {
    private final String id;
    private final V features;
    private final double weight;

    public Member(String id, V features, double weight) {
      this.id = id;
      this.features = features;
      this.weight = weight;
    }

    public String id() {
      return id;
    }

    public V features() {
      return features;
    }

    public double weight() {
      return weight;
    }
  }

  /**
   * What a document takes: the id of its nearest member, the squared distance to it (rounded to
   * float) and the weight it takes.
   */
  record Neighbour(String id, double distance, double weight) {}

  /** Squared distance between two vectors. */
  interface Distance<V> extends Serializable {
    double between(V a, V b);
  }

  /**
   * The neighbour of document {@code id} ({@code member}: it is in the coreset) among {@code
   * members}, the members of its cluster sorted by id.
   */
  Neighbour of(String id, boolean member, V features, List<Member<V>> members);
}
