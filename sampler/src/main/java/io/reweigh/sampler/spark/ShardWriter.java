package io.reweigh.sampler.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.spark.SerializableHadoopConf;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.sampler.DomainStats;
import io.reweigh.sampler.DomainTargets;
import io.reweigh.sampler.RatioSearch;
import io.reweigh.sampler.SamplerParams;
import io.reweigh.sampler.ShardSize;
import io.reweigh.sampler.Systematic;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * The sampler (docs/trainers.md): joins the committed score tables to the usable documents and
 * writes one or two shard sets. Per shard set: the final weight ({@link Weighting}: product of
 * powers, clipped, mean 1, domain factors); in resample mode the copies ({@link Resampling}) spread
 * through the stream by {@link Systematic#spread}; then a global order (weighted: seeded hash of
 * the id; resample: the copies' spread positions), cut into shards by rows, bytes or tokens ({@link
 * ShardSize}), written as part-NNNNN-of-MMMMM.parquet (zstd) with their sha256. All sums, ranks and
 * prefixes are exact, so the bytes do not depend on partitioning.
 */
public final class ShardWriter {
  // scratch columns, dropped before anything is written (Columns.INTERNAL_PREFIX)
  private static final String BEFORE_COL = Columns.INTERNAL_PREFIX + "before";
  private static final String COPIES_COL = Columns.INTERNAL_PREFIX + "copies";
  private static final String DOC_BYTES_COL = Columns.INTERNAL_PREFIX + "doc_bytes";
  private static final String ORDER_COL = Columns.INTERNAL_PREFIX + "order";
  private static final String RANK_COL = Columns.INTERNAL_PREFIX + "rank";
  private static final String RAW_COL = Columns.INTERNAL_PREFIX + "raw";
  private static final String SHARD_COL = Columns.INTERNAL_PREFIX + "shard";
  private static final String SIZE_COL = Columns.INTERNAL_PREFIX + "size";
  private static final String SPREAD_COL = Columns.INTERNAL_PREFIX + "spread";

  private ShardWriter() {}

  /** Shard assignments up to this many rows are broadcast to the final join. */
  static final long BROADCAST_ROWS = 2_000_000;

  /** Column holding the copy number (0-based) of a resampled row. */
  public static final String COPY = "copy";

  /** One written shard, as listed in the manifest. */
  public record ShardInfo(String path, long rows, long tokens, double weightSum, String sha256)
      implements Serializable {}

  /**
   * What one shard set holds, for the manifest: where, with which weights, its token budget and the
   * ratio resampling found, rows (copies), distinct documents, tokens, documents without a copy,
   * how many copies share a shard with another copy of their document, and per-domain totals.
   */
  public record SetResult(
      String name,
      String dir,
      int phase,
      Map<String, String> weightColumns,
      double budgetShare,
      Long targetTokens,
      Double ratio,
      Integer ratioEvaluations,
      long rows,
      long documents,
      long tokens,
      long unsampledDocuments,
      Long copiesInSameShard,
      Integer maxCopies,
      String shardUnit,
      long shardTarget,
      int numShards,
      Map<String, Object> weight,
      List<DomainStats> domains) {}

  /**
   * Every shard set, every shard (paths relative to the output), the distinct documents that are in
   * some shard and those that are in none (resample mode: no copy drawn in any set).
   */
  public record Result(
      List<SetResult> sets, List<ShardInfo> shards, long documents, long unsampled) {
    public long rows() {
      return shards.stream().mapToLong(ShardInfo::rows).sum();
    }
  }

  /** Columns of the docs table that are not carried to the shards (n_tokens is: trainers count). */
  private static final Set<String> INTERNAL =
      Set.of(
          Columns.SOURCE_FILE,
          Columns.SOURCE_ROW,
          Columns.REJECT_REASON,
          Columns.REJECT_DETAIL,
          Columns.RAW);

  /**
   * Writes the shard sets under {@code tmpDir/shards}; the caller moves that folder into place.
   *
   * @param docs usable documents (ingest table): id, text, domain, extras, n_tokens, …
   * @param tables score table of each signal in params, keyed by signal name: id + weight columns
   */
  public static Result write(
      SparkSession spark,
      Dataset<Row> docs,
      Map<String, Dataset<Row>> tables,
      SamplerParams params,
      Path tmpDir) {
    List<String> carried = new ArrayList<>();
    for (String c : docs.columns()) {
      if (!INTERNAL.contains(c)) {
        carried.add(c);
      }
    }
    if (params.resample() && carried.contains(COPY)) {
      throw PipelineErrors.usage(
          "The input has a column named '" + COPY + "', which resample mode writes.",
          "Rename that column in the input, or use sampler.mode=weighted.");
    }
    // Everything but the final write runs on a narrow table (id, domain, n_tokens, the row's
    // byte size, signal columns): weights, budgets, copies, order and cuts. The text is read once,
    // joined to the shard assignment and shuffled once into the shards.
    List<Column> narrowCols =
        new ArrayList<>(
            List.of(
                col(Columns.ID),
                col(Columns.DOMAIN),
                col(Columns.N_TOKENS),
                // the text is read for its size only when shards are cut by bytes
                (params.shardSize().unit() == ShardSize.Unit.BYTES
                        ? carriedBytes(docs, carried)
                        : lit(0L))
                    .as(DOC_BYTES_COL)));
    Dataset<Row> narrow = docs.select(narrowCols.toArray(Column[]::new));
    List<String> signalColumns = new ArrayList<>();
    for (SamplerParams.Signal s : params.signals()) {
      Dataset<Row> t = tables.get(s.name());
      if (t == null) {
        throw new IllegalStateException("no score table for signal " + s.name());
      }
      List<String> cols = new ArrayList<>(s.allColumns());
      s.phaseColumns().stream().filter(c -> !cols.contains(c)).forEach(cols::add);
      signalColumns.addAll(cols);
      List<Column> select = new ArrayList<>(List.of(col(Columns.ID)));
      cols.forEach(c -> select.add(col(c)));
      narrow = narrow.join(t.select(select.toArray(Column[]::new)), Columns.ID, "left");
    }
    describe(spark, "sampler: join score tables");
    narrow.persist(StorageLevel.MEMORY_AND_DISK());
    List<Dataset<Row>> cached = new ArrayList<>(List.of(narrow));
    try {
      // one pass: rows, tokens, and the rows without a score of each score column
      List<String> scoreColumns = Weighting.scoreColumns(params);
      Row totals =
          narrow
              .agg(
                  functions.count(lit(1)),
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of(
                              functions.sum(col(Columns.N_TOKENS).cast("long"))),
                          Weighting.missingChecks(scoreColumns).stream())
                      .toArray(Column[]::new))
              .first();
      long n = totals.getLong(0);
      long usableTokens = totals.isNullAt(1) ? 0 : totals.getLong(1);
      Map<String, Object[]> missing = new HashMap<>();
      for (int i = 0; i < scoreColumns.size(); i++) {
        missing.put(
            scoreColumns.get(i),
            new Object[] {totals.getLong(2 + 2 * i), totals.getString(3 + 2 * i)});
      }
      DomainTargets targets = loadTargets(spark, params.domainTargets());
      if (targets != null) {
        Weighting.requireDomains(narrow);
      }
      List<String> added = new ArrayList<>(List.of(Columns.WEIGHT));
      if (params.resample()) {
        added.add(COPY);
      }
      added.addAll(signalColumns);
      List<String> out = new ArrayList<>(carried);
      out.addAll(added);
      // every added column is a number: 8 bytes each in the shard-bytes estimate
      Column bytes = col(DOC_BYTES_COL).plus(lit(8L * added.size()));
      Dataset<Row> full = docs.select(carried.stream().map(c -> col(c)).toArray(Column[]::new));
      List<SetResult> sets = new ArrayList<>();
      List<ShardInfo> shards = new ArrayList<>();
      Dataset<Row> sampledIds = null;
      for (SamplerParams.ShardSet set : params.shardSets()) {
        describe(spark, "sampler: weights of " + set.dir());
        Weighting.Weighted w = Weighting.weigh(narrow, params, set, n, targets, missing);
        Dataset<Row> weighted = w.rows().persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(weighted);
        Map<String, Object> weightStats = new LinkedHashMap<>(w.stats());
        weightStats.putAll(w.summary());
        Map<String, String> weightColumns = new LinkedHashMap<>();
        params.signals().forEach(s -> weightColumns.put(s.name(), s.columnFor(set)));
        SetBuilder b = new SetBuilder(set, weightColumns, weightStats, w.domains());
        Dataset<Row> rows;
        Column[] order;
        if (params.resample()) {
          describe(spark, "sampler: resample " + set.dir() + " to its token budget");
          Dataset<Row> copies = resample(spark, weighted, params, set, usableTokens, b);
          cached.add(copies);
          Dataset<Row> ids = copies.filter(col(COPIES_COL).gt(0)).select(Columns.ID);
          sampledIds = sampledIds == null ? ids : sampledIds.union(ids);
          rows =
              weighted
                  .join(copies.filter(col(COPIES_COL).gt(0)), Columns.ID)
                  .withColumn(
                      COPY,
                      functions.explode(functions.sequence(lit(0), col(COPIES_COL).minus(lit(1)))))
                  .withColumn(
                      SPREAD_COL,
                      spreadUdf(params.seed()).apply(col(Columns.ID), col(COPY), col(COPIES_COL)));
          order = new Column[] {col(SPREAD_COL), col(Columns.ID), col(COPY)};
        } else {
          rows = weighted.withColumn(ORDER_COL, SparkStats.seededHash(params.seed(), Columns.ID));
          order = new Column[] {col(ORDER_COL), col(Columns.ID)};
          b.documents = n;
          b.ordered = n;
        }
        shards.addAll(
            cut(
                spark,
                rows.withColumn(SIZE_COL, size(params.shardSize(), bytes)),
                order,
                full,
                added,
                out,
                params,
                set,
                tmpDir,
                b));
        sets.add(b.build(params));
      }
      describe(spark, "sampler: count documents");
      long documents = sampledIds == null ? n : sampledIds.distinct().count();
      return new Result(sets, shards, documents, n - documents);
    } finally {
      cached.forEach(Dataset::unpersist);
      spark.sparkContext().setJobDescription(null);
    }
  }

  /**
   * The shard-bytes estimate of a document's carried columns: UTF-8 bytes of string values, bytes
   * of binary values, 8 per other value.
   */
  private static Column carriedBytes(Dataset<Row> docs, List<String> carried) {
    Column bytes = lit(0L);
    for (String c : carried) {
      StructField f = docs.schema().apply(c);
      Column one;
      if (f.dataType() instanceof StringType) {
        one = functions.coalesce(functions.octet_length(col(c)).cast("long"), lit(0L));
      } else if (f.dataType() instanceof BinaryType) {
        one = functions.coalesce(functions.length(col(c)).cast("long"), lit(0L));
      } else {
        one = lit(8L);
      }
      bytes = bytes.plus(one);
    }
    return bytes;
  }

  /** Mutable collector of one shard set's numbers. */
  private static final class SetBuilder {
    final SamplerParams.ShardSet set;
    final Map<String, String> weightColumns;
    final Map<String, Object> weight;
    List<DomainStats> domains;
    Long targetTokens;
    Double ratio;
    Integer evaluations;
    long rows;

    /** Rows that are ordered and cut into shards (documents, or copies in resample mode). */
    long ordered;

    long documents;
    long tokens;
    long unsampled;
    Long sharing;
    Integer maxCopies;
    int numShards;

    SetBuilder(
        SamplerParams.ShardSet set,
        Map<String, String> weightColumns,
        Map<String, Object> weight,
        List<DomainStats> domains) {
      this.set = set;
      this.weightColumns = weightColumns;
      this.weight = weight;
      this.domains = domains;
    }

    SetResult build(SamplerParams params) {
      return new SetResult(
          set.name(),
          set.dir(),
          set.phase(),
          weightColumns,
          set.budgetShare(),
          targetTokens,
          ratio,
          evaluations,
          rows,
          documents,
          tokens,
          unsampled,
          sharing,
          maxCopies,
          params.shardSize().unit().name().toLowerCase(java.util.Locale.ROOT),
          params.shardSize().target(),
          numShards,
          weight,
          domains);
    }
  }

  /**
   * Finds r for the shard set's token budget and returns (id, __rw_copies) of every document;
   * records the ratio, unsampled documents and per-domain copies in {@code b}.
   */
  private static Dataset<Row> resample(
      SparkSession spark,
      Dataset<Row> weighted,
      SamplerParams params,
      SamplerParams.ShardSet set,
      long usableTokens,
      SetBuilder b) {
    long budget = params.targetTokens() == 0 ? usableTokens : params.targetTokens();
    long target = Math.round(budget * set.budgetShare());
    b.targetTokens = target;
    Dataset<Row> copies;
    try (Resampling rs = new Resampling(weighted, params.seed(), set.name())) {
      RatioSearch.Result res =
          target == 0 ? null : rs.solve(target, Resampling.weightedTokens(weighted));
      if (res != null && !res.withinTolerance()) {
        throw PipelineErrors.targetTokensUnreachable(
            target, res.tokens(), res.ratio(), res.evaluations());
      }
      double r = res == null ? 0 : res.ratio();
      b.ratio = r;
      b.evaluations = res == null ? 0 : res.evaluations();
      copies = rs.copies(spark, r).persist(StorageLevel.MEMORY_AND_DISK());
      copies.count();
    }
    Dataset<Row> withDomain =
        copies.join(weighted.select(Columns.ID, Columns.DOMAIN, Columns.N_TOKENS), Columns.ID);
    Map<String, long[]> byDomain = new HashMap<>();
    for (Row r :
        withDomain
            .groupBy(col(Columns.DOMAIN))
            .agg(
                functions.sum(col(COPIES_COL).cast("long")),
                functions.sum(col(COPIES_COL).cast("long").multiply(col(Columns.N_TOKENS))),
                functions.count(functions.when(col(COPIES_COL).gt(0), lit(1))),
                functions.max(col(COPIES_COL)))
            .collectAsList()) {
      byDomain.put(
          r.isNullAt(0) ? null : r.getString(0),
          new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getInt(4)});
    }
    List<DomainStats> domains = new ArrayList<>();
    long docs = 0;
    int max = 0;
    long all = 0;
    for (DomainStats d : b.domains) {
      long[] v = byDomain.getOrDefault(d.domain(), new long[4]);
      domains.add(d.withResample(v[0], v[1]));
      b.ordered += v[0];
      docs += v[2];
      max = Math.max(max, (int) v[3]);
      all += d.documents();
    }
    b.domains = domains;
    b.documents = docs;
    b.unsampled = all - docs;
    b.maxCopies = max;
    return copies;
  }

  private static org.apache.spark.sql.expressions.UserDefinedFunction spreadUdf(long seed) {
    return functions.udf(
        (org.apache.spark.sql.api.java.UDF3<String, Integer, Integer, Double>)
            (id, k, c) -> Systematic.spread(k, c, Systematic.phase(seed, id)),
        DataTypes.DoubleType);
  }

  /** A row's size in the shard size's unit. */
  private static Column size(ShardSize size, Column bytes) {
    switch (size.unit()) {
      case ROWS:
        return lit(1L);
      case TOKENS:
        return functions.coalesce(col(Columns.N_TOKENS).cast("long"), lit(0L));
      default:
        return bytes;
    }
  }

  /**
   * Orders the rows, cuts them into shards by size, writes and renames them into the shard set's
   * folder, and returns each with its sha256.
   */
  private static List<ShardInfo> cut(
      SparkSession spark,
      Dataset<Row> rows,
      Column[] order,
      Dataset<Row> full,
      List<String> added,
      List<String> out,
      SamplerParams params,
      SamplerParams.ShardSet set,
      Path tmpDir,
      SetBuilder b) {
    describe(spark, "sampler: order and cut " + set.dir());
    ShardSize size = params.shardSize();
    List<String> keepNames = new ArrayList<>(List.of(Columns.ID, Columns.N_TOKENS));
    keepNames.addAll(added);
    List<Column> keep = new ArrayList<>();
    keepNames.forEach(c -> keep.add(col(c)));
    for (Column o : order) {
      if (!keepNames.contains(o.toString())) {
        keep.add(o);
      }
    }
    keep.add(col(SIZE_COL));
    Dataset<Row> ranked =
        OrderedScan.rankAndPrefix(
                rows.select(keep.toArray(Column[]::new)),
                order,
                SIZE_COL,
                RANK_COL,
                BEFORE_COL,
                b.ordered)
            .withColumn(RAW_COL, functions.expr(BEFORE_COL + " div " + size.target()).cast("long"));
    ranked.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // one pass: rows, tokens and weight per raw shard number; the numbers a very large row
      // skipped are closed up on the driver
      List<Row> perRaw =
          ranked
              .groupBy(RAW_COL)
              .agg(
                  functions.count(lit(1)),
                  functions.sum(col(Columns.N_TOKENS).cast("long")),
                  functions.sum(col(Columns.WEIGHT).cast(Weighting.DEC)))
              .orderBy(RAW_COL)
              .collectAsList();
      long numShards = perRaw.size();
      if (numShards > ShardSize.MAX_SHARDS) {
        size.checkCount(numShards, ranked.agg(functions.sum(SIZE_COL)).first().getLong(0));
      }
      long[] raws = new long[perRaw.size()];
      Map<Integer, Row> perShard = new HashMap<>();
      for (int i = 0; i < raws.length; i++) {
        Row r = perRaw.get(i);
        raws[i] = r.getLong(0);
        perShard.put(i, r);
        b.rows += r.getLong(1);
        b.tokens += r.isNullAt(2) ? 0 : r.getLong(2);
      }
      Broadcast<long[]> bc = new JavaSparkContext(spark.sparkContext()).broadcast(raws);
      Dataset<Row> sharded =
          ranked.withColumn(
              SHARD_COL,
              functions
                  .udf(
                      (org.apache.spark.sql.api.java.UDF1<Long, Integer>)
                          raw -> Arrays.binarySearch(bc.value(), raw),
                      DataTypes.IntegerType)
                  .apply(col(RAW_COL)));
      int shardsN = (int) numShards;
      b.numShards = shardsN;
      if (params.resample()) {
        Row share =
            sharded
                .groupBy(col(Columns.ID), col(SHARD_COL))
                .count()
                .filter(col("count").gt(1))
                .agg(functions.sum(col("count").minus(1)))
                .first();
        b.sharing = share.isNullAt(0) ? 0L : share.getLong(0);
      }
      Path rawDir = new Path(tmpDir, "raw-" + set.name());
      Path shardDir = new Path(tmpDir, set.dir());
      List<Column> written = new ArrayList<>();
      out.forEach(c -> written.add(col(c)));
      written.add(col(SHARD_COL));
      if (shardsN > 0) {
        // the shard assignment (narrow) meets the full rows once; small assignments are
        // broadcast, so the text is shuffled only into its shard
        List<Column> assignment = new ArrayList<>(List.of(col(Columns.ID)));
        added.forEach(c -> assignment.add(col(c)));
        assignment.add(col(SHARD_COL));
        assignment.add(col(RANK_COL));
        Dataset<Row> a = sharded.select(assignment.toArray(Column[]::new));
        describe(spark, "sampler: write " + set.dir());
        if (b.rows <= BROADCAST_ROWS) {
          a = functions.broadcast(a);
        }
        full.join(a, Columns.ID)
            .repartition(shardsN, col(SHARD_COL))
            .sortWithinPartitions(col(SHARD_COL), col(RANK_COL))
            .select(written.toArray(Column[]::new))
            .write()
            .partitionBy(SHARD_COL)
            .option("compression", "zstd")
            .parquet(rawDir.toString());
      }
      FileSystem fs = fs(spark, tmpDir);
      List<String> finals = new ArrayList<>();
      fs.mkdirs(shardDir);
      for (int i = 0; i < shardsN; i++) {
        Path part = onlyFile(fs, new Path(rawDir, SHARD_COL + "=" + i));
        Path target = new Path(shardDir, ShardSize.name(i, shardsN));
        if (!fs.rename(part, target)) {
          throw new IOException("rename " + part + " -> " + target + " failed");
        }
        finals.add(target.toString());
      }
      describe(spark, "sampler: sha256 of " + set.dir());
      Map<String, String> sums = sha256(spark, finals);
      // local file systems leave .crc side files: shards/ holds the shards only
      FileSystem rawFs =
          fs instanceof org.apache.hadoop.fs.ChecksumFileSystem cfs ? cfs.getRawFileSystem() : fs;
      for (FileStatus st : rawFs.listStatus(shardDir)) {
        if (st.getPath().getName().startsWith(".")) {
          rawFs.delete(st.getPath(), false);
        }
      }
      List<ShardInfo> shards = new ArrayList<>();
      for (int i = 0; i < shardsN; i++) {
        Row r = perShard.get(i);
        long tokens = r.isNullAt(2) ? 0 : r.getLong(2);
        shards.add(
            new ShardInfo(
                set.dir() + "/" + ShardSize.name(i, shardsN),
                r.getLong(1),
                tokens,
                r.getDecimal(3).doubleValue(),
                sums.get(finals.get(i))));
      }
      fs.delete(rawDir, true);
      return shards;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      ranked.unpersist();
    }
  }

  /** Names the Spark jobs that follow in the Spark UI (and in event logs). */
  static void describe(SparkSession spark, String what) {
    spark.sparkContext().setJobDescription("reweigh " + what);
  }

  /** The domain targets: null, an inline map, or a JSON file read through Hadoop. */
  @SuppressWarnings("unchecked")
  public static DomainTargets loadTargets(SparkSession spark, Object spec) {
    if (spec == null) {
      return null;
    }
    if (spec instanceof Map<?, ?> m) {
      return new DomainTargets("inline object", new java.util.TreeMap<>((Map<String, Double>) m));
    }
    String path = (String) spec;
    String source = "file " + path;
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p) || fs.getFileStatus(p).isDirectory()) {
        throw PipelineErrors.domainTargetsUnreadable(source, "no such file.");
      }
      try (InputStream in = fs.open(p)) {
        return DomainTargets.parseJson(
            source, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw PipelineErrors.domainTargetsUnreadable(source, e.toString());
    }
  }

  private static Path onlyFile(FileSystem fs, Path dir) throws IOException {
    Path found = null;
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (name.endsWith(".parquet")) {
        if (found != null) {
          throw new IllegalStateException("more than one file in " + dir);
        }
        found = st.getPath();
      }
    }
    if (found == null) {
      throw new IllegalStateException("no Parquet file in " + dir);
    }
    return found;
  }

  private static FileSystem fs(SparkSession spark, Path p) throws IOException {
    return p.getFileSystem(spark.sparkContext().hadoopConfiguration());
  }

  /**
   * Normalises each shard's footer ({@link FooterNormalizer}) and returns its SHA-256, on the
   * executors (shards can be many and large).
   */
  public static Map<String, String> sha256(SparkSession spark, List<String> files) {
    if (files.isEmpty()) {
      return Map.of();
    }
    SerializableHadoopConf conf =
        new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration());
    List<String> pairs =
        new JavaSparkContext(spark.sparkContext())
            .parallelize(files, Math.min(files.size(), 64))
            .map(
                f -> {
                  Path p = new Path(f);
                  return f + "\t" + FooterNormalizer.normalize(p.getFileSystem(conf.get()), p);
                })
            .collect();
    Map<String, String> out = new HashMap<>();
    for (String s : pairs) {
      int t = s.lastIndexOf('\t');
      out.put(s.substring(0, t), s.substring(t + 1));
    }
    return out;
  }
}
