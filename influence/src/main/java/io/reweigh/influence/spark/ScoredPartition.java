package io.reweigh.influence.spark;

import io.reweigh.influence.DjlRuntime;
import io.reweigh.influence.InfluenceParams;
import io.reweigh.influence.ScoringModel;
import io.reweigh.influence.Sequences;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/** A partition's rows scored a batch at a time: (id, tokens, SI) rows in input order. */
final class ScoredPartition implements Iterator<Row> {
  private final Iterator<Row> rows;
  private final InfluenceParams p;
  private final List<ProxyModelStage.Checkpoint> cps;
  private final List<ScoringModel> lms;
  private final LongAccumulator batches;
  private final List<Row> out = new ArrayList<>();
  private int pos;

  ScoredPartition(
      Iterator<Row> rows,
      InfluenceParams p,
      List<ProxyModelStage.Checkpoint> cps,
      List<ScoringModel> lms,
      LongAccumulator batches) {
    this.rows = rows;
    this.p = p;
    this.cps = cps;
    this.lms = lms;
    this.batches = batches;
  }

  private void fill() {
    out.clear();
    pos = 0;
    List<String> ids = new ArrayList<>(p.batchSize());
    List<int[]> seqs = new ArrayList<>(p.batchSize());
    while (rows.hasNext() && ids.size() < p.batchSize()) {
      Row r = rows.next();
      ids.add(r.getString(0));
      seqs.add(p.encode(r.getString(1)));
    }
    if (ids.isEmpty()) {
      return;
    }
    double[] si = selfInfluence(seqs);
    batches.add(1);
    for (int i = 0; i < si.length; i++) {
      if (!Double.isFinite(si[i])) {
        throw new IllegalStateException(
            "self-influence of document '" + ids.get(i) + "' is " + si[i] + " (batch " + ids + ")");
      }
      double v = new BigDecimal(si[i]).round(SelfInfluenceScoring.DIGITS).doubleValue();
      out.add(RowFactory.create(ids.get(i), Math.max(0, seqs.get(i).length - 1), v));
    }
  }

  /** Σ_c η_c ‖∇ℓ‖² of one batch, checkpoint by checkpoint. */
  private double[] selfInfluence(List<int[]> seqs) {
    double[] si = new double[seqs.size()];
    for (int c = 0; c < lms.size(); c++) {
      ScoringModel m = lms.get(c);
      double[] sq =
          DjlRuntime.exclusive(
              () -> {
                try (var bm = m.manager().newSubManager()) {
                  Sequences.Batch b = Sequences.batch(bm, seqs, p.batchSize(), p.maxTokens());
                  return m.selfInfluence(b, p.layers(), p.lossNorm());
                }
              });
      for (int i = 0; i < si.length; i++) {
        si[i] += cps.get(c).eta() * sq[i];
      }
    }
    return si;
  }

  @Override
  public boolean hasNext() {
    if (pos < out.size()) {
      return true;
    }
    fill();
    return pos < out.size();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new java.util.NoSuchElementException();
    }
    return out.get(pos++);
  }
}
