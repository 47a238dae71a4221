package io.reweigh.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightFormulaTest {
  @Test
  void productIsTheProductOfPowersStartingAtOne() {
    List<WeightFormula.Term> terms =
        List.of(new WeightFormula.Term("a", 1.0), new WeightFormula.Term("b", 0.5));
    assertEquals(1.0, WeightFormula.product(List.of(), List.of()));
    assertEquals(3.0 * StrictMath.pow(4.0, 0.5), WeightFormula.product(terms, List.of(3.0, 4.0)));
    assertEquals(6.0, WeightFormula.product(terms, List.of(3.0, 4.0)));
    assertNull(WeightFormula.product(terms, Arrays.asList(3.0, null)));
    assertNull(WeightFormula.times(null, 2.0, 1.0));
  }

  @Test
  void clipOrdersNanAboveEveryNumberAsSparkSqlDoes() {
    assertEquals(1.0, WeightFormula.clip(0.5, 1.0, 4.0));
    assertEquals(2.0, WeightFormula.clip(2.0, 1.0, 4.0));
    assertEquals(4.0, WeightFormula.clip(9.0, 1.0, 4.0));
    assertEquals(4.0, WeightFormula.clip(Double.NaN, 1.0, 4.0));
    assertTrue(WeightFormula.outside(0.5, 1.0, 4.0));
    assertTrue(WeightFormula.outside(9.0, 1.0, 4.0));
    assertTrue(WeightFormula.outside(Double.NaN, 1.0, 4.0));
    assertFalse(WeightFormula.outside(1.0, 1.0, 4.0));
    assertFalse(WeightFormula.outside(4.0, 1.0, 4.0));
  }

  @Test
  void normaliseDividesByTheMean() {
    assertEquals(0.5, WeightFormula.normalise(1.0, 2.0));
  }
}
