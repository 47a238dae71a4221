package io.reweigh.jobs.report;

import io.reweigh.core.Columns;
import io.reweigh.core.signal.Signal;
import io.reweigh.core.signal.Signals;
import io.reweigh.jobs.stage.OutputDir;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A signal that ran, with its committed score table (stages/NAME of the output): the signal's score
 * columns the table has, and its weight_* columns, sorted.
 */
record ScoreTable(Signal signal, Dataset<Row> table, List<String> scores, List<String> weights) {

  /** Weight columns of a score table start with this ({@link Columns#weightColumn} spells it). */
  static final String WEIGHT_PREFIX = Columns.weightColumn("");

  /** The score tables of the given stages, in their order; a stage without a table is skipped. */
  static List<ScoreTable> find(SparkSession spark, OutputDir out, List<String> stages) {
    List<ScoreTable> scored = new ArrayList<>();
    for (String name : stages) {
      Signal signal = Signals.find(name);
      Path dir = out.resolve(Columns.STAGES_DIR + "/" + name);
      if (signal == null || !out.exists(dir)) {
        continue;
      }
      Dataset<Row> t = spark.read().parquet(dir.toString());
      List<String> cols = List.of(t.columns());
      List<String> scores = signal.scoreColumns().stream().filter(cols::contains).toList();
      List<String> weights =
          cols.stream().filter(c -> c.startsWith(WEIGHT_PREFIX)).sorted().toList();
      scored.add(new ScoreTable(signal, t, scores, weights));
    }
    return scored;
  }

  /** The score columns, then the weight columns. */
  List<String> columns() {
    List<String> cols = new ArrayList<>(scores);
    cols.addAll(weights);
    return cols;
  }
}
