package io.reweigh.influence.coreset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.reweigh.influence.coreset.Propagation.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

class NearestMemberTest {
  /** Squared distance of points on a line. */
  static final Propagation<Double> LINE = new NearestMember<>((a, b) -> (a - b) * (a - b));

  static final List<Member<Double>> MEMBERS =
      List.of(new Member<>("a", 0.0, 2.0), new Member<>("b", 1.0, 0.5), new Member<>("c", 1.0, 9));

  @Test
  void aDocumentTakesTheWeightOfItsNearestMember() {
    Propagation.Neighbour n = LINE.of("x", false, 0.2, MEMBERS);
    assertEquals("a", n.id());
    assertEquals((double) (float) 0.04, n.distance(), "squared, rounded to float");
    assertEquals(2.0, n.weight());
    assertEquals("b", LINE.of("y", false, 0.9, MEMBERS).id());
  }

  @Test
  void tiesGoToTheFirstMemberThatIsTheSmallerId() {
    assertEquals("a", LINE.of("z", false, 0.5, MEMBERS).id());
    assertEquals("b", LINE.of("z", false, 1.0, MEMBERS).id(), "b and c coincide");
  }

  @Test
  void aMemberIsItsOwnNearestMemberEvenBesideAnIdenticalOne() {
    Propagation.Neighbour c = LINE.of("c", true, 1.0, MEMBERS);
    assertEquals("c", c.id());
    assertEquals(0.0, c.distance());
    assertEquals(9.0, c.weight());
  }
}
