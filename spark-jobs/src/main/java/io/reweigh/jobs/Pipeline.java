package io.reweigh.jobs;

import io.reweigh.core.Columns;
import io.reweigh.core.Version;
import io.reweigh.core.config.Keys;
import io.reweigh.core.config.ResolvedConfig;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.signal.Signal;
import io.reweigh.core.spark.SignalStage;
import io.reweigh.core.stage.StageStats;
import io.reweigh.core.stage.Timer;
import io.reweigh.jobs.input.Ingest;
import io.reweigh.jobs.input.InputPlan;
import io.reweigh.jobs.input.InputPlanner;
import io.reweigh.jobs.manifest.IngestDetails;
import io.reweigh.jobs.manifest.Manifest;
import io.reweigh.jobs.manifest.TuningSummary;
import io.reweigh.jobs.report.Report;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.jobs.stage.OutputLock;
import io.reweigh.jobs.stage.Progress;
import io.reweigh.jobs.stage.StageRunner;
import io.reweigh.sampler.SamplerDetails;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSets;
import io.reweigh.sampler.spark.ShardWriter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs the whole pipeline (docs/architecture.md): plan input → ingest (rows → usable docs +
 * rejects/) → each configured signal stage after its prerequisites → sampler shards (rows a signal
 * drops go to rejects/) → manifest.json + report.html, checking the accounting invariant before the
 * manifest is written. One instance per run.
 */
public final class Pipeline {

  /** What a run was asked to do. */
  public record Options(String input, String output, ResolvedConfig config, boolean force) {}

  /** What a run did: the manifest as written. */
  public record Summary(Manifest manifest, String outputDir) {
    public Manifest.Counts counts() {
      return manifest.counts();
    }

    public List<ShardSets.ShardInfo> shards() {
      return manifest.shards();
    }
  }

  public static final String INGEST = Columns.INGEST_STAGE;
  public static final String SAMPLER = "sampler";

  /** Runs the pipeline once (one instance per run). */
  public static Summary run(SparkSession spark, Options o, Progress progress) {
    return new Pipeline(spark, o, progress).run();
  }

  private final SparkSession spark;
  private final Options options;
  private final ResolvedConfig cfg;
  private final Progress progress;
  private final OutputDir out;
  private final StageRunner runner;
  private final InputPlan plan;
  private final long t0 = System.nanoTime();
  private OutputLock lock;

  /** Stage name → stats, in the order run (ingest, prerequisites, signals, sampler). */
  private final Map<String, StageStats> stageStats = new LinkedHashMap<>();

  /** Prerequisite name → fingerprint, so a model shared by two signals is run once. */
  private final Map<String, String> prerequisiteFps = new LinkedHashMap<>();

  private Pipeline(SparkSession spark, Options o, Progress progress) {
    this.spark = spark;
    this.options = o;
    this.cfg = o.config();
    this.progress = progress;
    var hconf = spark.sparkContext().hadoopConfiguration();
    io.reweigh.core.io.KeyFiles.useConfiguration(hconf);
    this.plan = InputPlanner.plan(o.input(), cfg, hconf);
    this.out = new OutputDir(o.output(), hconf);
    Preflight.checkOutputOutsideInput(o.input(), plan, out, hconf);
    out.checkHoldsOnlyReweighOutput();
    Preflight.checkSamplerConfig(spark, cfg);
    this.runner = new StageRunner(out, o.force(), progress);
  }

  /**
   * Runs the stages; when the run fails, its temporary folder goes, and so does the output folder
   * itself when this run created it and nothing was committed into it.
   */
  private Summary run() {
    Throwable failure = null;
    try (OutputLock held = OutputLock.acquire(out, "reweigh run --input " + options.input())) {
      this.lock = held;
      return runStages();
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } catch (Exception e) {
      failure = e; // a SparkException, checked but undeclared (Scala)
      throw new IllegalStateException(e.getMessage(), e);
    } finally {
      if (failure != null) {
        cleanUpAfter(failure);
      }
    }
  }

  /** A failed run leaves no _tmp/, nor the output folder it created when nothing was committed. */
  private void cleanUpAfter(Throwable failure) {
    try {
      out.delete(out.resolve(Columns.TMP_DIR));
      if (out.created() && out.fs().listStatus(out.root()).length == 0) {
        out.delete(out.root());
      }
    } catch (java.io.IOException | RuntimeException cleanup) {
      failure.addSuppressed(cleanup);
    }
  }

  private Summary runStages() {
    progress.line(
        String.format(
            "input: %d %s file(s), %,d bytes",
            plan.files().length, plan.format(), plan.fingerprint().totalBytes()));
    String ingestFp = ingest();
    IngestDetails ingest = stageStats.get(INGEST).details(IngestDetails.class);
    Dataset<Row> docs = spark.read().parquet(runner.stageDir(INGEST).toString());
    List<Scored> scored = new ArrayList<>();
    for (String name : cfg.stages()) {
      scored.add(signal(SignalStages.signal(name), docs, ingestFp));
    }
    SampleResult sample = sample(docs, scored);
    Manifest.Counts counts = counts(ingest, sample);
    Manifest manifest = manifest(counts, sample.written());
    lock.check(); // the shards are about to be replaced: only by the run holding the lock
    publish(sample.tmp(), manifest);
    if (!counts.accountingOk()) {
      throw PipelineErrors.accountingBroken(
          counts.inputRows(), counts.outputRows() + counts.unsampledRows(), counts.rejectedRows());
    }
    progress.stageStarted("report");
    Timer reportTimer = new Timer();
    Report.write(spark, out, manifest);
    progress.stageFinished("report", manifest.counts().outputRows(), reportTimer.elapsed());
    out.delete(out.resolve(Columns.TMP_DIR));
    return new Summary(manifest, out.root().toString());
  }

  /** Runs (or skips) the ingest stage; returns its fingerprint. */
  private String ingest() {
    ResolvedConfig reads = cfg.recording();
    Ingest.Settings settings = Ingest.plan(reads);
    String fp = StageRunner.fingerprint(INGEST, plan.fingerprint().hash(), reads.hashOfReads());
    StageRunner.Outcome r =
        runner.run(INGEST, fp, tmp -> IngestStage.run(spark, plan, settings, tmp, out));
    stageStats.put(INGEST, r.stats());
    return fp;
  }

  /**
   * Runs (or skips) one signal stage after its prerequisites. Each fingerprint covers the ingest
   * fingerprint, the config keys its plan read and its prerequisites' fingerprints.
   */
  private <P extends Serializable> Scored signal(
      Signal signal, Dataset<Row> docs, String ingestFp) {
    @SuppressWarnings("unchecked")
    SignalStage<P> stage = (SignalStage<P>) SignalStages.stage(signal);
    ResolvedConfig reads = cfg.recording();
    P stagePlan = stage.plan(reads);
    List<String> fpParts = new ArrayList<>(List.of(ingestFp, reads.hashOfReads()));
    Map<String, String> prereqDirs = new LinkedHashMap<>();
    for (SignalStage.Prerequisite<?> pre : stage.prerequisites()) {
      fpParts.add(prerequisite(pre, docs, ingestFp));
      prereqDirs.put(pre.name(), runner.stageDir(pre.name()).toString());
    }
    String name = signal.name();
    String fp = StageRunner.fingerprint(name, fpParts.toArray(String[]::new));
    StageRunner.Outcome r =
        runner.run(
            name,
            fp,
            tmp ->
                stage.compute(
                    spark, docs, stagePlan, new Path(tmp, "data").toString(), prereqDirs));
    stageStats.put(name, r.stats());
    return new Scored(
        signal, signal.outputs(cfg), spark.read().parquet(runner.stageDir(name).toString()));
  }

  private <Q extends Serializable> String prerequisite(
      SignalStage.Prerequisite<Q> pre, Dataset<Row> docs, String ingestFp) {
    String known = prerequisiteFps.get(pre.name());
    if (known != null) {
      return known;
    }
    ResolvedConfig reads = cfg.recording();
    Q prePlan = pre.plan(reads);
    String fp = StageRunner.fingerprint(pre.name(), ingestFp, reads.hashOfReads());
    StageRunner.Outcome r =
        runner.run(
            pre.name(),
            fp,
            tmp -> pre.compute(spark, docs, prePlan, new Path(tmp, "data").toString()));
    stageStats.put(pre.name(), r.stats());
    prerequisiteFps.put(pre.name(), fp);
    return fp;
  }

  /** The sampler's result: shards, and rows signals dropped to rejects/ by reason. */
  private record SampleResult(ShardSets.Result written, Map<String, Long> dropped, Path tmp) {
    List<ShardSets.ShardInfo> shards() {
      return written.shards();
    }
  }

  /**
   * Sampler: always rewritten, under _tmp/ ({@link SampleResult#tmp}); {@link #publish} swaps the
   * shards in with the manifest that describes them.
   */
  private SampleResult sample(Dataset<Row> docs, List<Scored> scored) {
    progress.stageStarted(SAMPLER);
    Timer timer = new Timer();
    Path tmp = out.newTemp(SAMPLER);
    Map<String, Long> dropped = new LinkedHashMap<>();
    Dataset<Row> kept = SignalDrops.moveToRejects(out, docs, scored, tmp, dropped);
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
    Map<String, Signal.Outputs> outputs = new LinkedHashMap<>();
    for (Scored s : scored) {
      tables.put(s.signal().name(), s.table());
      outputs.put(s.signal().name(), s.outputs());
    }
    SamplerParams params = SamplerParams.fromConfig(cfg, outputs);
    ShardSets.Result shards = ShardWriter.write(spark, kept, tables, params, tmp);
    double seconds = timer.elapsed();
    progress.stageFinished(SAMPLER, shards.rows(), seconds);
    SamplerDetails details =
        new SamplerDetails(
            params.signals().stream().map(SamplerParams.Signal::name).toList(),
            shards.sets().get(0).weight());
    stageStats.put(SAMPLER, StageStats.of(shards.rows(), details).withSeconds(seconds));
    return new SampleResult(shards, dropped, tmp);
  }

  /**
   * Replaces shards/ and manifest.json with the sampler's: everything is computed and the manifest
   * serialized and written beside them first, so that between the old set and the new one there are
   * only four renames and deletes, not the manifest's assembly (a kill -9 there left new shards
   * under the old manifest; SparkSubmitLocalIT kills runs during the sampler).
   */
  private void publish(Path tmp, Manifest manifest) {
    Path next = new Path(tmp, Columns.MANIFEST);
    out.writeJsonAtomically(next, manifest);
    Path shardsDir = out.resolve(Columns.SHARDS_DIR);
    out.delete(shardsDir);
    // an evaluation measured the shards being replaced: it no longer describes this output
    out.delete(out.resolve(Columns.EVALUATION_DIR));
    out.rename(new Path(tmp, "shards"), shardsDir);
    out.delete(out.resolve(Columns.MANIFEST));
    out.rename(next, out.resolve(Columns.MANIFEST));
    out.delete(tmp);
  }

  private Manifest.Counts counts(IngestDetails ingest, SampleResult sample) {
    long dropped = sample.dropped().values().stream().mapToLong(Long::longValue).sum();
    long rejected = ingest.rejectedRows() + dropped;
    ShardSets.Result w = sample.written();
    Map<String, Long> byReason = new LinkedHashMap<>(ingest.rejectedByReason());
    sample.dropped().forEach((reason, n) -> byReason.merge(reason, n, Long::sum));
    return new Manifest.Counts(
        ingest.inputRows(),
        w.documents(),
        w.unsampled(),
        rejected,
        byReason,
        w.rows(),
        sample.shards().stream().mapToLong(ShardSets.ShardInfo::tokens).sum(),
        ingest.inputRows() == w.documents() + w.unsampled() + rejected);
  }

  /**
   * The previous manifest's {@code reweigh tune} summary when it still describes this output: the
   * stages it weighed are committed with the same fingerprints (a rerun with tuning/tuned.conf
   * changes only the sampler), and tuning/ is still there. Otherwise tuning/ is deleted: its
   * candidates were weighed on stages that no longer exist.
   */
  private TuningSummary tuningStillCurrent() {
    Path dir = out.resolve(TuningSummary.DIR);
    TuningSummary t = null;
    if (out.exists(out.resolve(Columns.MANIFEST)) && out.exists(dir)) {
      try {
        t = io.reweigh.jobs.report.Report.readManifest(out).tuning();
      } catch (io.reweigh.core.error.ReweighException e) {
        t = null;
      }
      if (t != null) {
        for (Map.Entry<String, String> e : t.stageFingerprints().entrySet()) {
          if (!java.util.Objects.equals(e.getValue(), runner.committedFingerprint(e.getKey()))) {
            t = null;
            break;
          }
        }
      }
    }
    if (t == null) {
      out.delete(dir);
    }
    return t;
  }

  private Manifest manifest(Manifest.Counts counts, ShardSets.Result written) {
    return new Manifest(
        Version.get(),
        spark.version(),
        cfg.get(Keys.SAMPLER_MODE),
        cfg.asMap(),
        new Manifest.Input(
            options.input(),
            plan.format(),
            plan.fingerprint().files().size(),
            plan.fingerprint().totalBytes(),
            plan.fingerprint().hash()),
        counts,
        stageStats,
        written.sets(),
        written.shards(),
        Math.round((System.nanoTime() - t0) / 1e6) / 1000.0,
        null,
        tuningStillCurrent());
  }
}
