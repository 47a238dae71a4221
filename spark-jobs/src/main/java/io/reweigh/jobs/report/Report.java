package io.reweigh.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.reweigh.core.Columns;
import io.reweigh.core.error.PipelineErrors;
import io.reweigh.core.signal.Signal;
import io.reweigh.core.signal.Signals;
import io.reweigh.core.spark.SparkStats;
import io.reweigh.jobs.Manifest;
import io.reweigh.jobs.stage.OutputDir;
import io.reweigh.sampler.ShardSets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * report.html from a finished output: gathers {@link ReportData} with small Spark aggregates (bin
 * counts, a seeded sample, the lowest and highest weights, reject examples) and renders it with
 * {@link ReportHtml}. Used at the end of a run and by {@code reweigh report OUT}.
 */
public final class Report {
  // scratch columns, dropped before anything is written (Columns.INTERNAL_PREFIX)
  private static final String X_COL = Columns.INTERNAL_PREFIX + "x";

  private Report() {}

  static final int BINS = 40;
  static final int SCATTER_POINTS = 1500;
  static final int TOP_DOCS = 20;
  static final int SNIPPET_CHARS = 300;
  static final int REJECT_EXAMPLES = 3;

  /** Writes report.html into the output. */
  public static void write(SparkSession spark, OutputDir out, Manifest manifest) {
    String html = ReportHtml.render(collect(spark, out, manifest));
    out.writeAtomically(out.resolve(Columns.REPORT), html.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads manifest.json of a finished output (exit 3 naming the path when there is none). */
  public static Manifest readManifest(OutputDir out) {
    Path p = out.resolve(Columns.MANIFEST);
    if (!out.exists(p)) {
      throw PipelineErrors.notAFinishedOutput(out.root().toString(), "it has no manifest.json.");
    }
    try {
      return OutputDir.JSON.readValue(out.readString(p), Manifest.class);
    } catch (java.io.IOException e) {
      throw PipelineErrors.notAFinishedOutput(
          out.root().toString(), "its manifest.json cannot be read: " + e.getMessage());
    }
  }

  /** A signal that ran, with its committed score table. */
  record Scored(Signal signal, Dataset<Row> table, List<String> scores, List<String> weights) {}

  static List<Scored> scored(SparkSession spark, OutputDir out, Manifest manifest) {
    List<Scored> scored = new ArrayList<>();
    Object stages = manifest.config().get("stages");
    for (Object name : stages instanceof List<?> l ? l : List.of()) {
      Signal signal = Signals.find(String.valueOf(name));
      Path dir = out.resolve(Columns.STAGES_DIR + "/" + name);
      if (signal == null || !out.exists(dir)) {
        continue;
      }
      Dataset<Row> t = spark.read().parquet(dir.toString());
      List<String> cols = List.of(t.columns());
      List<String> scores = signal.scoreColumns().stream().filter(cols::contains).toList();
      List<String> weights = cols.stream().filter(c -> c.startsWith("weight_")).sorted().toList();
      scored.add(new Scored(signal, t, scores, weights));
    }
    return scored;
  }

  static ReportData collect(SparkSession spark, OutputDir out, Manifest manifest) {
    // distinct documents of the first shard set (shards/, or shards/phase-1 with sampler.phases)
    Dataset<Row> shards = spark.read().parquet(out.path(manifest.shardSets().get(0).dir()));
    if (List.of(shards.columns()).contains(ShardSets.COPY)) {
      shards = shards.filter(col(ShardSets.COPY).equalTo(0));
    }
    List<Scored> scored = scored(spark, out, manifest);
    List<ReportData.Histogram> hists = new ArrayList<>();
    hists.addAll(
        histograms(
            shards,
            java.util.Collections.singletonList(
                new String[] {"hist-weight", "Final weight", Columns.WEIGHT})));
    for (Scored s : scored) {
      String n = s.signal().name();
      List<String[]> specs = new ArrayList<>();
      for (String c : s.scores().stream().limit(1).toList()) {
        specs.add(new String[] {"hist-" + n + "-" + c, n + ": " + c, c});
      }
      for (String w : s.weights()) {
        specs.add(new String[] {"hist-" + n + "-" + w, n + ": " + w, w});
      }
      hists.addAll(histograms(s.table(), specs));
    }
    long seed = ((Number) manifest.config().getOrDefault("sampler.seed", 0)).longValue();
    List<ReportData.Scatter> scatters = scatters(shards, scored, hists, seed);
    List<String> docColumns = new ArrayList<>();
    for (Scored s : scored) {
      docColumns.addAll(s.scores());
      docColumns.addAll(s.weights());
    }
    // the lowest and highest ids and the ties at both ends come from one pass over (id, weight);
    // the text is read once, for those documents only
    Extremes ex = extremes(shards);
    List<String> lowIds = ex.lowIds();
    List<String> highIds = ex.highIds();
    Map<String, Row> topRows = topRows(shards, lowIds, highIds);
    List<ReportData.Doc> lowest = docs(lowIds.stream().map(topRows::get).toList(), scored);
    List<ReportData.Doc> highest = docs(highIds.stream().map(topRows::get).toList(), scored);
    // weighting by segments (softdedup.weighting=segmented) gives many documents the same weight
    long[] ties = {ex.atMin(), ex.atMax()};
    List<ReportData.Group> labels = new ArrayList<>();
    if (List.of(shards.columns()).contains("label")) {
      for (Row r :
          shards
              .groupBy(col("label").cast("string"))
              .agg(functions.count(functions.lit(1)), functions.avg(Columns.WEIGHT))
              .orderBy(col("label"))
              .collectAsList()) {
        labels.add(
            new ReportData.Group(
                r.isNullAt(0) ? null : r.getString(0), r.getLong(1), r.getDouble(2)));
      }
    }
    return new ReportData(
        manifest,
        hists,
        scatters,
        docColumns,
        lowest,
        highest,
        manifest.counts().rejectedRows() == 0 ? List.of() : rejectExamples(spark, out),
        labels,
        stageOrder(scored),
        ties[0],
        ties[1],
        curves(out, manifest),
        manifest.tuning() == null
            ? List.of()
            : meanCurves(
                out,
                out.resolve(manifest.tuning().tunedConf()).getParent(),
                "curves.csv",
                "candidate",
                "tuning_loss"));
  }

  /**
   * evaluation/curves.csv as one curve per arm (empty when the output was not evaluated): at each
   * step the perplexity of the arm's mean held-out loss over its seeds.
   */
  static List<ReportData.Curve> curves(OutputDir out, Manifest manifest) {
    if (manifest.evaluation() == null) {
      return List.of();
    }
    Path p = out.resolve(manifest.evaluation().curves());
    return meanCurves(out, p.getParent(), p.getName(), "arm", "eval_loss");
  }

  /**
   * A curves CSV (header named columns {@code name}, step, {@code loss}) as one curve per name: at
   * each step the perplexity of the mean loss over the rows (seeds). Empty when the file is gone.
   */
  static List<ReportData.Curve> meanCurves(
      OutputDir out, Path dir, String file, String name, String loss) {
    Path p = new Path(dir, file);
    if (!out.exists(p)) {
      return List.of();
    }
    String[] lines = out.readString(p).split("\n");
    List<String> header = List.of(lines[0].split(","));
    int at = header.indexOf(name);
    int step = header.indexOf("step");
    int value = header.indexOf(loss);
    // name -> step -> (sum of losses, runs)
    Map<String, java.util.TreeMap<Integer, double[]>> byName = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      List<String> f = csvFields(lines[i]);
      if (f.size() != header.size()) {
        continue;
      }
      double[] acc =
          byName
              .computeIfAbsent(f.get(at), k -> new java.util.TreeMap<>())
              .computeIfAbsent(Integer.parseInt(f.get(step)), k -> new double[2]);
      acc[0] += Double.parseDouble(f.get(value));
      acc[1]++;
    }
    List<ReportData.Curve> curves = new ArrayList<>();
    byName.forEach(
        (n, pts) ->
            curves.add(
                new ReportData.Curve(
                    n,
                    pts.keySet().stream().mapToDouble(Integer::doubleValue).toArray(),
                    pts.values().stream().mapToDouble(a -> Math.exp(a[0] / a[1])).toArray())));
    return curves;
  }

  /** The fields of one CSV line (RFC 4180 quotes). */
  static List<String> csvFields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    out.add(f.toString());
    return out;
  }

  /** ingest, each signal after its prerequisites, sampler: the order a run computes them. */
  static List<String> stageOrder(List<Scored> scored) {
    List<String> order = new ArrayList<>(List.of(Columns.INGEST_STAGE));
    for (Scored s : scored) {
      for (var pre : io.reweigh.jobs.SignalStages.stage(s.signal()).prerequisites()) {
        if (!order.contains(pre.name())) {
          order.add(pre.name());
        }
      }
      order.add(s.signal().name());
    }
    order.add("sampler");
    return order;
  }

  /** Final weight (y) against each signal's headline score (x), on the histograms' axes. */
  private static List<ReportData.Scatter> scatters(
      Dataset<Row> shards, List<Scored> scored, List<ReportData.Histogram> hists, long seed) {
    List<ReportData.Scatter> out = new ArrayList<>();
    Dataset<Row> sample =
        shards
            .select(col(Columns.ID), col(Columns.WEIGHT))
            .orderBy(SparkStats.seededHash(seed, Columns.ID), col(Columns.ID))
            .limit(SCATTER_POINTS);
    Charts.Axis wAxis = hists.get(0).x();
    for (Scored s : scored) {
      if (s.scores().isEmpty()) {
        continue;
      }
      String c = s.scores().get(0);
      String n = s.signal().name();
      Charts.Axis xAxis =
          hists.stream()
              .filter(h -> h.id().equals("hist-" + n + "-" + c))
              .findFirst()
              .orElseThrow()
              .x();
      List<Row> rows =
          sample
              .join(s.table().select(col(Columns.ID), col(c).cast("double").as(X_COL)), Columns.ID)
              .orderBy(col(Columns.ID))
              .collectAsList();
      double[] xs = new double[rows.size()];
      double[] ys = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        xs[i] = r.isNullAt(2) ? Double.NaN : axisValue(xAxis, r.getDouble(2));
        ys[i] = r.isNullAt(1) ? Double.NaN : axisValue(wAxis, r.getDouble(1));
      }
      out.add(
          new ReportData.Scatter(
              "scatter-" + n + "-" + c,
              "Final weight against " + n + ": " + c,
              xAxis,
              new Charts.Axis("final weight", wAxis.lo(), wAxis.hi(), wAxis.log()),
              xs,
              ys));
    }
    return out;
  }

  private static double axisValue(Charts.Axis a, double v) {
    return a.log() ? (v > 0 ? Math.log10(v) : Double.NaN) : v;
  }

  /**
   * The TOP_DOCS lowest-weight ids (by weight, then id) and the TOP_DOCS highest (by weight
   * descending, then id), and how many documents have the lowest and the highest weight. Ids
   * compare by code point, as Spark orders strings; documents without a weight are left out.
   */
  record Extremes(List<String> lowIds, List<String> highIds, long atMin, long atMax) {}

  static Extremes extremes(Dataset<Row> shards) {
    Ends ends =
        shards
            .select(col(Columns.ID).cast("string"), col(Columns.WEIGHT).cast("double"))
            .javaRDD()
            .treeAggregate(new Ends(TOP_DOCS), Ends::add, Ends::merge, 2);
    return ends.result();
  }

  /** Running state of {@link #extremes}: bounded heaps at both ends, min and max with counts. */
  static final class Ends implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * (weight, id) with ids by code point; weights ascending (the low list) or descending (the high
     * list); {@code worstFirst} reverses it for the bounded heaps, whose head is dropped. A class,
     * not a record: the aggregate travels with Kryo, which cannot write records.
     */
    static final class Order implements java.util.Comparator<Object[]>, java.io.Serializable {
      private static final long serialVersionUID = 1L;
      private final boolean highFirst;
      private final boolean worstFirst;

      Order(boolean highFirst, boolean worstFirst) {
        this.highFirst = highFirst;
        this.worstFirst = worstFirst;
      }

      @Override
      public int compare(Object[] a, Object[] b) {
        int c = Double.compare((Double) a[0], (Double) b[0]);
        if (highFirst) {
          c = -c;
        }
        if (c == 0) {
          c = compareCodePoints((String) a[1], (String) b[1]);
        }
        return worstFirst ? -c : c;
      }
    }

    private final int k;
    private final java.util.PriorityQueue<Object[]> low;
    private final java.util.PriorityQueue<Object[]> high;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long atMin;
    private long atMax;

    Ends(int k) {
      this.k = k;
      this.low = new java.util.PriorityQueue<>(new Order(false, true));
      this.high = new java.util.PriorityQueue<>(new Order(true, true));
    }

    static int compareCodePoints(String a, String b) {
      int i = 0;
      int j = 0;
      while (i < a.length() && j < b.length()) {
        int x = a.codePointAt(i);
        int y = b.codePointAt(j);
        if (x != y) {
          return Integer.compare(x, y);
        }
        i += Character.charCount(x);
        j += Character.charCount(y);
      }
      return Integer.compare(a.length() - i, b.length() - j);
    }

    static Ends add(Ends acc, Row r) {
      if (!r.isNullAt(1) && !Double.isNaN(r.getDouble(1))) {
        acc.offer(r.getDouble(1), r.getString(0));
      }
      return acc;
    }

    private void offer(double w, String id) {
      Object[] e = {w, id};
      keepLow(e);
      keepHigh(e);
      if (w < min) {
        min = w;
        atMin = 0;
      }
      if (w == min) {
        atMin++;
      }
      if (w > max) {
        max = w;
        atMax = 0;
      }
      if (w == max) {
        atMax++;
      }
    }

    static Ends merge(Ends a, Ends b) {
      Ends out = new Ends(a.k);
      for (Ends x : new Ends[] {a, b}) {
        x.low.forEach(out::keepLow);
        x.high.forEach(out::keepHigh);
      }
      out.min = Math.min(a.min, b.min);
      out.max = Math.max(a.max, b.max);
      out.atMin = (a.min == out.min ? a.atMin : 0) + (b.min == out.min ? b.atMin : 0);
      out.atMax = (a.max == out.max ? a.atMax : 0) + (b.max == out.max ? b.atMax : 0);
      return out;
    }

    private void keepLow(Object[] e) {
      low.add(e);
      if (low.size() > k) {
        low.poll();
      }
    }

    private void keepHigh(Object[] e) {
      high.add(e);
      if (high.size() > k) {
        high.poll();
      }
    }

    Extremes result() {
      List<Object[]> l = new ArrayList<>(low);
      l.sort(new Order(false, false));
      List<Object[]> h = new ArrayList<>(high);
      h.sort(new Order(true, false));
      return new Extremes(
          l.stream().map(e -> (String) e[1]).toList(),
          h.stream().map(e -> (String) e[1]).toList(),
          l.isEmpty() ? 0 : atMin,
          h.isEmpty() ? 0 : atMax);
    }
  }

  /** id → (id, domain, n_tokens, weight, text snippet) of the given documents, in one scan. */
  private static Map<String, Row> topRows(
      Dataset<Row> shards, List<String> low, List<String> high) {
    java.util.Set<String> ids = new java.util.LinkedHashSet<>(low);
    ids.addAll(high);
    boolean hasDomain = List.of(shards.columns()).contains(Columns.DOMAIN);
    Map<String, Row> byId = new HashMap<>();
    if (ids.isEmpty()) {
      return byId;
    }
    for (Row r :
        shards
            .filter(col(Columns.ID).cast("string").isin(ids.toArray()))
            .select(
                col(Columns.ID).cast("string"),
                hasDomain ? col(Columns.DOMAIN).cast("string") : functions.lit(null).cast("string"),
                col(Columns.N_TOKENS).cast("long"),
                col(Columns.WEIGHT),
                functions.substring(col(Columns.TEXT), 1, SNIPPET_CHARS))
            .collectAsList()) {
      byId.put(r.getString(0), r);
    }
    return byId;
  }

  /** The given top rows of the shards, with each signal's scores and weights. */
  private static List<ReportData.Doc> docs(List<Row> top, List<Scored> scored) {
    List<String> ids = top.stream().map(r -> r.getString(0)).toList();
    // per signal: id → values of its score and weight columns
    List<Map<String, List<Double>>> values = new ArrayList<>();
    for (Scored s : scored) {
      List<String> cols = new ArrayList<>(s.scores());
      cols.addAll(s.weights());
      List<org.apache.spark.sql.Column> sel = new ArrayList<>();
      sel.add(col(Columns.ID).cast("string"));
      for (String c : cols) {
        sel.add(col(c).cast("double"));
      }
      Map<String, List<Double>> byId = new HashMap<>();
      for (Row r :
          s.table()
              .filter(col(Columns.ID).cast("string").isin(ids.toArray()))
              .select(sel.toArray(org.apache.spark.sql.Column[]::new))
              .collectAsList()) {
        List<Double> v = new ArrayList<>();
        for (int i = 1; i < r.length(); i++) {
          v.add(r.isNullAt(i) ? null : r.getDouble(i));
        }
        byId.put(r.getString(0), v);
      }
      values.add(byId);
    }
    List<ReportData.Doc> docs = new ArrayList<>();
    for (Row r : top) {
      List<Double> v = new ArrayList<>();
      for (int k = 0; k < scored.size(); k++) {
        List<Double> got = values.get(k).get(r.getString(0));
        int n = scored.get(k).scores().size() + scored.get(k).weights().size();
        v.addAll(got != null ? got : java.util.Collections.nCopies(n, (Double) null));
      }
      docs.add(
          new ReportData.Doc(
              r.getString(0),
              r.getString(1),
              r.isNullAt(2) ? 0 : r.getLong(2),
              r.getDouble(3),
              v,
              r.getString(4)));
    }
    return docs;
  }

  /** Up to REJECT_EXAMPLES rows of rejects/ per reason label, first by file and row. */
  private static List<ReportData.RejectExample> rejectExamples(SparkSession spark, OutputDir out) {
    Path dir = out.resolve(Columns.REJECTS_DIR);
    List<ReportData.RejectExample> ex = new ArrayList<>();
    if (!out.exists(dir)) {
      return ex;
    }
    Dataset<Row> r = spark.read().option("mergeSchema", "true").parquet(dir.toString());
    List<String> cols = List.of(r.columns());
    if (!cols.contains(Columns.REJECT_REASON)) {
      return ex;
    }
    org.apache.spark.sql.Column file =
        cols.contains(Columns.SOURCE_FILE) ? col(Columns.SOURCE_FILE).cast("string") : nullString();
    org.apache.spark.sql.Column row =
        cols.contains(Columns.SOURCE_ROW)
            ? col(Columns.SOURCE_ROW).cast("long")
            : functions.lit(null).cast("long");
    org.apache.spark.sql.Column id =
        cols.contains(Columns.ID) ? col(Columns.ID).cast("string") : nullString();
    org.apache.spark.sql.Column text =
        functions.coalesce(
            cols.contains(Columns.TEXT) ? col(Columns.TEXT).cast("string") : nullString(),
            cols.contains(Columns.RAW) ? col(Columns.RAW).cast("string") : nullString());
    Dataset<Row> t =
        r.select(
            functions
                .trim(functions.regexp_extract(col(Columns.REJECT_REASON), "^[^(]*", 0))
                .as("reason"),
            file.as("file"),
            row.as("row"),
            id.as("id"),
            functions.substring(text, 1, SNIPPET_CHARS).as("snippet"));
    var w =
        org.apache.spark.sql.expressions.Window.partitionBy(col("reason"))
            .orderBy(col("file").asc_nulls_last(), col("row").asc_nulls_last(), col("id"));
    for (Row x :
        t.withColumn("n", functions.row_number().over(w))
            .filter(col("n").leq(REJECT_EXAMPLES))
            .orderBy(col("reason"), col("n"))
            .collectAsList()) {
      ex.add(
          new ReportData.RejectExample(
              x.getString(0),
              x.getString(1),
              x.isNullAt(2) ? null : x.getLong(2),
              x.getString(3),
              x.getString(4)));
    }
    return ex;
  }

  private static org.apache.spark.sql.Column nullString() {
    return functions.lit(null).cast("string");
  }

  /**
   * Bin counts of numeric columns of one table, in two Spark jobs whatever their number (range,
   * then bins); nulls and NaN are left out. A positive column that spans more than a factor
   * LOG_SPAN is binned by log10.
   *
   * @param specs {chart id, title, column} per histogram
   */
  static List<ReportData.Histogram> histograms(Dataset<Row> t, List<String[]> specs) {
    int k = specs.size();
    org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[k];
    for (int i = 0; i < k; i++) {
      cols[i] = col(specs.get(i)[2]).cast("double");
    }
    // two single-stage passes over the narrow columns: range, then bins (no shuffle)
    var rows = t.select(cols).javaRDD();
    double[][] range =
        rows.treeAggregate(
            Bins.emptyRange(k), (acc, r) -> Bins.addRange(acc, r), Bins::mergeRange, 2);
    Charts.Axis[] axes = new Charts.Axis[k];
    double[] lo = new double[k];
    double[] width = new double[k];
    boolean[] log = new boolean[k];
    for (int i = 0; i < k; i++) {
      String column = specs.get(i)[2];
      if (range[2][i] == 0) {
        axes[i] = new Charts.Axis(column, 0, 1, false);
      } else {
        double min = range[0][i];
        double max = range[1][i];
        log[i] = min > 0 && max / min > LOG_SPAN;
        axes[i] =
            new Charts.Axis(
                column, log[i] ? Math.log10(min) : min, log[i] ? Math.log10(max) : max, log[i]);
      }
      lo[i] = axes[i].lo();
      width[i] = (axes[i].hi() - axes[i].lo()) / BINS;
    }
    long[][] bins =
        rows.treeAggregate(
            new long[k][BINS], (acc, r) -> Bins.add(acc, r, lo, width, log), Bins::merge, 2);
    List<ReportData.Histogram> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      out.add(
          new ReportData.Histogram(
              specs.get(i)[0], specs.get(i)[1], axes[i], bins[i], (long) range[2][i]));
    }
    return out;
  }

  /** Range and bin counting of a row of doubles (nulls and NaN skipped), for treeAggregate. */
  static final class Bins {
    private Bins() {}

    static double[][] emptyRange(int k) {
      double[][] r = new double[3][k];
      java.util.Arrays.fill(r[0], Double.POSITIVE_INFINITY);
      java.util.Arrays.fill(r[1], Double.NEGATIVE_INFINITY);
      return r;
    }

    static double[][] addRange(double[][] acc, Row r) {
      for (int i = 0; i < acc[0].length; i++) {
        if (!r.isNullAt(i) && !Double.isNaN(r.getDouble(i))) {
          double v = r.getDouble(i);
          acc[0][i] = Math.min(acc[0][i], v);
          acc[1][i] = Math.max(acc[1][i], v);
          acc[2][i]++;
        }
      }
      return acc;
    }

    static double[][] mergeRange(double[][] a, double[][] b) {
      for (int i = 0; i < a[0].length; i++) {
        a[0][i] = Math.min(a[0][i], b[0][i]);
        a[1][i] = Math.max(a[1][i], b[1][i]);
        a[2][i] += b[2][i];
      }
      return a;
    }

    static long[][] add(long[][] acc, Row r, double[] lo, double[] width, boolean[] log) {
      for (int i = 0; i < acc.length; i++) {
        if (!r.isNullAt(i) && !Double.isNaN(r.getDouble(i))) {
          double v = log[i] ? Math.log10(r.getDouble(i)) : r.getDouble(i);
          int b = width[i] > 0 ? (int) Math.floor((v - lo[i]) / width[i]) : 0;
          acc[i][Math.max(0, Math.min(BINS - 1, b))]++;
        }
      }
      return acc;
    }

    static long[][] merge(long[][] a, long[][] b) {
      for (int i = 0; i < a.length; i++) {
        for (int j = 0; j < BINS; j++) {
          a[i][j] += b[i][j];
        }
      }
      return a;
    }
  }

  /** A positive column whose max / min exceeds this is shown on a log axis. */
  static final double LOG_SPAN = 30;

  /** A shard set's budget and per-domain totals before and after weighting (from the manifest). */
  static String shardSetTable(ShardSets.SetResult set) {
    StringBuilder h = new StringBuilder("<h2>Shard set ").append(esc(set.dir())).append("</h2>");
    h.append("<p>")
        .append(set.numShards())
        .append(" shard(s) of ")
        .append(set.shardTarget())
        .append(' ')
        .append(esc(set.shardUnit()))
        .append(", ")
        .append(set.rows())
        .append(" rows, ")
        .append(set.documents())
        .append(" documents, ")
        .append(set.tokens())
        .append(" tokens");
    if (set.targetTokens() != null) {
      h.append(
          String.format(
              Locale.ROOT,
              "; resampled to %d target tokens with r = %.6f (%d documents drew no copy, %d copies"
                  + " share a shard with another copy of their document)",
              set.targetTokens(),
              set.ratio(),
              set.unsampledDocuments(),
              set.copiesInSameShard()));
    }
    h.append(".</p>");
    double docs = 0;
    double tokens = 0;
    double weight = 0;
    double wt = 0;
    double rows = 0;
    double shardTokens = 0;
    for (var d : set.domains()) {
      docs += d.documents();
      tokens += d.tokens();
      weight += d.weight();
      wt += d.weightedTokens();
      rows += d.rows() == null ? 0 : d.rows();
      shardTokens += d.shardTokens() == null ? 0 : d.shardTokens();
    }
    boolean resampled = set.targetTokens() != null;
    h.append(
        "<table><tr><th>domain</th><th>documents</th><th>tokens</th><th>share of documents</th>"
            + "<th>share of tokens</th><th>target</th><th>share of weight</th>"
            + "<th>share of weighted tokens</th>");
    if (resampled) {
      h.append("<th>rows (copies)</th><th>share of shard tokens</th>");
    }
    h.append("</tr>");
    for (var d : set.domains()) {
      h.append("<tr><td>")
          .append(esc(d.domain() == null ? "(none)" : clip(d.domain())))
          .append("</td><td>")
          .append(d.documents())
          .append("</td><td>")
          .append(d.tokens())
          .append("</td><td>")
          .append(pct(d.documents(), docs))
          .append("</td><td>")
          .append(pct(d.tokens(), tokens))
          .append("</td><td>")
          .append(d.target() == null ? "–" : pct(d.target(), 1))
          .append("</td><td>")
          .append(pct(d.weight(), weight))
          .append("</td><td>")
          .append(pct(d.weightedTokens(), wt));
      if (resampled) {
        h.append("</td><td>")
            .append(d.rows())
            .append("</td><td>")
            .append(pct(d.shardTokens(), shardTokens));
      }
      h.append("</td></tr>");
    }
    return h.append("</table>").toString();
  }

  private static String pct(double part, double whole) {
    return whole == 0 ? "–" : String.format(Locale.ROOT, "%.2f%%", 100 * part / whole);
  }

  /** Longest label a report table shows whole (domain names and the like). */
  static final int MAX_LABEL = 80;

  /** At most {@link #MAX_LABEL} characters, an ellipsis marking a cut. */
  static String clip(String s) {
    return s.length() <= MAX_LABEL ? s : s.substring(0, MAX_LABEL - 1) + "…";
  }

  static String esc(Object o) {
    return String.valueOf(o)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
