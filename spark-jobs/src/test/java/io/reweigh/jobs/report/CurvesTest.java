package io.reweigh.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CurvesTest {

  @Test
  void csvFieldsFollowRfc4180Quotes() {
    assertEquals(List.of("a", "b", "c"), Curves.csvFields("a,b,c"));
    assertEquals(List.of("a,b", "say \"hi\"", ""), Curves.csvFields("\"a,b\",\"say \"\"hi\"\"\","));
    assertEquals(List.of(""), Curves.csvFields(""));
  }
}
