package io.reweigh.jobs.tune;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.signal.Signal;
import io.reweigh.jobs.SignalStages;
import io.reweigh.jobs.evaluate.ArmPool;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.sampler.DomainTargets;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.spark.CandidateWeights;
import io.reweigh.sampler.spark.DomainTargetsFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The documents {@code reweigh tune} weighs (docs/tuning.md): every usable document of the run
 * ({@code stages/ingest}) that no signal dropped, with each signal's weight column from its
 * committed stage — the sampler's own input, whatever {@code sampler.mode} wrote — so that a
 * candidate's weights ({@link CandidateWeights}) are those {@code reweigh run} would write.
 *
 * @param rows the documents
 * @param count how many
 * @param columns signal → the weight column the first shard set uses (its phase's for a phased one)
 * @param current signal → the run's exponent
 * @param tokensByDomain domain → tokens (null key: documents without a domain)
 * @param runTargets the run's own sampler.domain-targets (null: none), which the "current"
 *     candidate keeps, with {@code runShareOfTokens}
 */
record TuneDocs(
    Dataset<Row> rows,
    long count,
    Map<String, String> columns,
    Map<String, Double> current,
    Map<String, Long> tokensByDomain,
    DomainTargets runTargets,
    boolean runShareOfTokens) {

  static TuneDocs read(
      SparkSession spark, OutputDir out, ResolvedConfig cfg, ShardSets.SetResult set) {
    Dataset<Row> docs =
        spark
            .read()
            .parquet(out.path(Columns.STAGES_DIR + "/ingest"))
            .select(Columns.ID, Columns.TEXT, Columns.N_TOKENS, Columns.DOMAIN);
    Map<String, String> columns = new LinkedHashMap<>();
    Map<String, Double> current = new LinkedHashMap<>();
    for (String name : cfg.stages()) {
      Signal.Outputs o = SignalStages.signal(name).outputs(cfg);
      String c =
          set.phase() > 0 && !o.phaseWeightColumns().isEmpty()
              ? o.phaseWeightColumns().get(set.phase() - 1)
              : o.weightColumn();
      columns.put(name, c);
      current.put(name, cfg.get(Keys.alpha(name)));
      Dataset<Row> t = spark.read().parquet(out.path(Columns.STAGES_DIR + "/" + name));
      if (o.dropColumn() != null) {
        docs = docs.join(t.filter(col(o.dropColumn())).select(Columns.ID), Columns.ID, "left_anti");
      }
      docs = docs.join(t.select(col(Columns.ID), col(c)), Columns.ID, "left");
    }
    docs = docs.persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> byDomain = new TreeMap<>(java.util.Comparator.nullsFirst(String::compareTo));
    long count = 0;
    for (Row r :
        docs.groupBy(col(Columns.DOMAIN))
            .agg(functions.count(lit(1)), functions.sum(col(Columns.N_TOKENS).cast("long")))
            .collectAsList()) {
      byDomain.put(r.isNullAt(0) ? null : r.getString(0), r.isNullAt(2) ? 0 : r.getLong(2));
      count += r.getLong(1);
    }
    return new TuneDocs(
        docs,
        count,
        columns,
        current,
        byDomain,
        DomainTargetsFile.load(spark, cfg.get(Keys.SAMPLER_DOMAIN_TARGETS)),
        cfg.get(Keys.SAMPLER_DOMAIN_SHARE_OF).equals("tokens"));
  }

  /** The named domains, sorted; empty when some document has none. */
  List<String> domains() {
    if (tokensByDomain.keySet().stream().anyMatch(java.util.Objects::isNull)) {
      return List.of();
    }
    return new ArrayList<>(tokensByDomain.keySet());
  }

  /** A candidate's documents as an evaluation pool, drawn ∝ the weight the sampler would give. */
  ArmPool pool(Candidate c, double maxWeightRatio) {
    List<SamplerParams.Signal> signals = new ArrayList<>();
    c.alphas()
        .forEach(
            (name, a) -> {
              if (a > 0) {
                signals.add(new SamplerParams.Signal(name, columns.get(name), a));
              }
            });
    boolean own = c.name().equals(Candidate.CURRENT);
    DomainTargets targets =
        own
            ? runTargets
            : c.mixture() == null ? null : new DomainTargets("candidate " + c.name(), c.mixture());
    Dataset<Row> weighted =
        CandidateWeights.weigh(
            rows, count, signals, maxWeightRatio, targets, own ? runShareOfTokens : true);
    return new ArmPool(
        c.name(),
        "every usable document ∝ the sampler's weight for " + c.name(),
        ArmPool.rows(weighted, col(Columns.ID), col(Columns.WEIGHT)));
  }

  /** The documents of one domain, drawn ∝ {@code pool}'s weights. */
  static ArmPool domain(ArmPool pool, String domain) {
    return new ArmPool(
        pool.arm() + " / " + domain,
        pool.drawnFrom() + ", domain " + domain,
        pool.rows().filter(col(ArmPool.DOMAIN).equalTo(domain)));
  }

  void close() {
    rows.unpersist();
  }
}
