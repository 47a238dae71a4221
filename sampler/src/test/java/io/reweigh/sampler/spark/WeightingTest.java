package io.reweigh.sampler.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reweigh.core.spark.SharedSpark;
import io.reweigh.core.weights.WeightMath;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.WeightFormula;
import io.reweigh.sampler.WeightStats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The Spark sampler writes the weights the Spark-free {@link WeightFormula} gives, bit for bit. */
class WeightingTest {
  static final StructType DOCS =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("domain", DataTypes.StringType)
          .add("n_tokens", DataTypes.IntegerType)
          .add("weight_a", DataTypes.DoubleType)
          .add("weight_b", DataTypes.DoubleType);

  @Test
  void sparkWeightsAreTheFormulasWeights() {
    int n = 97;
    List<Row> rows = new ArrayList<>();
    Map<String, double[]> byId = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("d%03d", i);
      double a = 0.05 + ((i * 7919L) % 1000) / 97.0;
      double b = 0.3 + ((i * 104729L) % 1000) / 333.0;
      rows.add(RowFactory.create(id, i % 2 == 0 ? "x" : "y", 10 + i, a, b));
      byId.put(id, new double[] {a, b});
    }
    Dataset<Row> docs = SharedSpark.session().createDataFrame(rows, DOCS).repartition(3);
    List<SamplerParams.Signal> signals =
        List.of(
            new SamplerParams.Signal("a", "weight_a", 1.0),
            new SamplerParams.Signal("b", "weight_b", 0.7));
    double ratio = 20;
    SamplerParams params =
        new SamplerParams(0, false, 0, ratio, null, null, false, false, 0, signals);
    Map<String, Object[]> missing =
        Map.of("weight_a", new Object[] {0L, null}, "weight_b", new Object[] {0L, null});
    Weighting.Weighted w =
        Weighting.weigh(docs, params, params.shardSets().get(0), n, null, missing);

    List<WeightFormula.Term> terms =
        List.of(new WeightFormula.Term("weight_a", 1.0), new WeightFormula.Term("weight_b", 0.7));
    Map<String, Double> raw = new HashMap<>();
    byId.forEach((id, v) -> raw.put(id, WeightFormula.product(terms, List.of(v[0], v[1]))));
    List<String> order = new ArrayList<>(raw.keySet());
    order.sort(Comparator.comparing((String id) -> raw.get(id)).thenComparing(id -> id));
    double median = raw.get(order.get((int) WeightMath.quantileRank(0.5, n)));
    double[] window = WeightMath.ratioWindow(median, ratio);
    BigDecimal sum = BigDecimal.ZERO;
    long outside = 0;
    for (double r : raw.values()) {
      double c = WeightFormula.clip(r, window[0], window[1]);
      // Spark's cast of a double to DECIMAL(38, 18)
      sum = sum.add(new BigDecimal(Double.toString(c)).setScale(18, RoundingMode.HALF_UP));
      outside += WeightFormula.outside(r, window[0], window[1]) ? 1 : 0;
    }
    double mean = sum.doubleValue() / n;

    WeightStats stats = w.stats();
    assertEquals(window[0], stats.clipLow());
    assertEquals(window[1], stats.clipHigh());
    assertEquals(outside, stats.clippedRows());
    assertTrue(outside > 0, "the data clip some rows");
    List<Row> got = w.rows().select("id", "weight").collectAsList();
    assertEquals(n, got.size());
    for (Row r : got) {
      double want =
          WeightFormula.normalise(
              WeightFormula.clip(raw.get(r.getString(0)), window[0], window[1]), mean);
      assertEquals(want, r.getDouble(1), 0.0, r.getString(0));
    }
  }
}
