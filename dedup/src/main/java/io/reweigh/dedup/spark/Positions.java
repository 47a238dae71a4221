package io.reweigh.dedup.spark;

import io.reweigh.core.Columns;
import io.reweigh.core.text.Tokenizer;
import io.reweigh.dedup.NGrams;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Explodes documents into n-gram key rows (one per predicted position). */
final class Positions {
  private Positions() {}

  static String s(int k) {
    return "s" + k;
  }

  static String c(int k) {
    return "c" + k;
  }

  /** Every position: s1..sn, c1..cn (keys of the grams ending there and of their histories). */
  static Dataset<Row> keys(Dataset<Row> docs, Tokenizer tok, int n) {
    StructType schema = new StructType();
    for (int k = 1; k <= n; k++) {
      schema = schema.add(s(k), DataTypes.LongType, false);
    }
    for (int k = 1; k <= n; k++) {
      schema = schema.add(c(k), DataTypes.LongType, false);
    }
    FlatMapFunction<Row, Row> f =
        r -> {
          List<Row> out = new ArrayList<>();
          NGrams.forEachPosition(
              tok.tokenIds(r.getString(0)),
              n,
              (j, s, c) -> {
                Object[] v = new Object[2 * n];
                for (int k = 0; k < n; k++) {
                  v[k] = s[k];
                  v[n + k] = c[k];
                }
                out.add(RowFactory.create(v));
              });
          return out.iterator();
        };
    return docs.select(Columns.TEXT).flatMap(f, Encoders.row(schema));
  }
}
