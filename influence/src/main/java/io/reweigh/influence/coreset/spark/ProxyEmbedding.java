package io.reweigh.influence.coreset.spark;

import io.reweigh.core.Columns;
import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.ScoringModel;
import io.reweigh.influence.Sequences;
import io.reweigh.influence.spark.ProxyModelStage;
import io.reweigh.influence.spark.TorchThreads;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The proxy embedding of the coreset signal: mean-pooled final hidden states of the last proxy-LM
 * checkpoint (or of the user's TorchScript LM, influence.model), L2-normalised and rounded to
 * float, computed in {@code mapPartitions} over fixed-shape batches with the model loaded once per
 * executor JVM ({@link io.reweigh.influence.ModelCache}).
 */
final class ProxyEmbedding {
  private ProxyEmbedding() {}

  static Dataset<Row> embed(
      SparkSession spark,
      Dataset<Row> base,
      InfluenceParams p,
      List<ProxyModelStage.Checkpoint> checkpoints) {
    var jsc = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext());
    Broadcast<ProxyModelStage.Checkpoint> last =
        jsc.broadcast(checkpoints.get(checkpoints.size() - 1));
    int threads = TorchThreads.of(spark, p.threads());
    StructType schema =
        new StructType()
            .add(Columns.ID, DataTypes.StringType, false)
            .add(CoresetEmbedding.FEATURES, SQLDataTypes.VectorType(), false);
    MapPartitionsFunction<Row, Row> f =
        rows -> {
          DjlRuntime.limitThreads(threads);
          DjlRuntime.inferenceThread();
          ProxyModelStage.Checkpoint cp = last.value();
          ScoringModel model = cp.model().model();
          return new Iterator<Row>() {
            final List<Row> out = new ArrayList<>();
            int pos;

            @Override
            public boolean hasNext() {
              if (pos < out.size()) {
                return true;
              }
              out.clear();
              pos = 0;
              List<String> ids = new ArrayList<>();
              List<int[]> seqs = new ArrayList<>();
              while (rows.hasNext() && ids.size() < p.batchSize()) {
                Row r = rows.next();
                ids.add(r.getString(0));
                seqs.add(p.encode(r.getString(1)));
              }
              if (ids.isEmpty()) {
                return false;
              }
              float[][] h =
                  DjlRuntime.exclusive(
                      () -> {
                        try (var bm = model.manager().newSubManager()) {
                          Sequences.Batch b =
                              Sequences.batch(bm, seqs, p.batchSize(), p.maxTokens());
                          return model.meanHidden(b.ids(), b.mask());
                        }
                      });
              for (int i = 0; i < ids.size(); i++) {
                out.add(RowFactory.create(ids.get(i), Vectors.dense(normalised(h[i]))));
              }
              return true;
            }

            @Override
            public Row next() {
              if (!hasNext()) {
                throw new java.util.NoSuchElementException();
              }
              return out.get(pos++);
            }
          };
        };
    return base.mapPartitions(f, Encoders.row(schema));
  }

  static double[] normalised(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = norm == 0 ? 0 : (float) (v[i] / norm);
    }
    return out;
  }
}
