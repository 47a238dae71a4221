package io.reweigh.core.config;

import io.reweigh.core.signal.Signal;
import io.reweigh.core.signal.Signals;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config registry: every key reweigh understands, with its default, validation and help: the
 * base keys below (input, tokenizer, sampler), then the keys each registered signal declares
 * ({@link Signal#keys()}) and one {@code sampler.alpha.<signal>} per signal. The table in
 * docs/config.md is generated from it ({@code reweigh config-doc}); a key that is not here is
 * rejected.
 */
public final class Keys {
  private Keys() {}

  private static final Map<String, ConfigKey<?>> REGISTRY = new LinkedHashMap<>();

  public static final ConfigKey<List<String>> STAGES =
      add(
          ConfigKey.of(
              "stages",
              Signals.all().stream().filter(Signal::enabledByDefault).map(Signal::name).toList(),
              ValueParser.subsetOf(Signals.names().toArray(String[]::new)),
              "Signals to compute (any subset, may be empty: then every weight is 1)."));

  public static final ConfigKey<String> INPUT_FORMAT =
      add(
          ConfigKey.of(
              "input.format",
              "auto",
              ValueParser.oneOf("auto", "parquet", "jsonl"),
              "Input format; auto decides by file extension."));
  public static final ConfigKey<String> INPUT_ID_COLUMN =
      add(
          ConfigKey.of(
              "input.id-column",
              "id",
              ValueParser.nonEmptyString(),
              "Column (JSON field) with the document id."));
  public static final ConfigKey<String> INPUT_TEXT_COLUMN =
      add(
          ConfigKey.of(
              "input.text-column",
              "text",
              ValueParser.nonEmptyString(),
              "Column (JSON field) with the document text."));
  public static final ConfigKey<String> INPUT_DOMAIN_COLUMN =
      add(
          ConfigKey.of(
              "input.domain-column",
              "domain",
              ValueParser.nonEmptyString(),
              "Column (JSON field) with the document domain; optional in the data."));
  public static final ConfigKey<Boolean> INPUT_GENERATE_IDS =
      add(
          ConfigKey.of(
              "input.generate-ids",
              false,
              ValueParser.bool(),
              "Derive ids as '<file name>#<row index>' (Parquet: 0-based row; JSONL: 1-based line)"
                  + " instead of reading an id column."));
  public static final ConfigKey<Integer> INPUT_MAX_DOC_CHARS =
      add(
          ConfigKey.of(
              "input.max-doc-chars",
              10_000_000,
              ValueParser.intRange(1, Integer.MAX_VALUE),
              "Documents longer than this (in chars) go to rejects/."));
  public static final ConfigKey<String> INPUT_INVALID_UTF8 =
      add(
          ConfigKey.of(
              "input.invalid-utf8",
              "reject",
              ValueParser.oneOf("reject", "replace"),
              "Text with bytes that are not UTF-8 (or, in JSONL, a \\u escape of a lone"
                  + " surrogate), in either input format. reject: the row goes to rejects/ with"
                  + " 'text is not valid UTF-8'. replace: each bad sequence becomes U+FFFD, the row"
                  + " is kept with utf8_replaced=true (a column the shards then carry) and the"
                  + " manifest counts such rows (ingest: invalid_utf8_replaced)."));

  public static final ConfigKey<String> TOKENIZER_KIND =
      add(
          ConfigKey.of(
              "tokenizer.kind",
              "unicode",
              ValueParser.oneOf("unicode", "huggingface"),
              "Tokenizer: unicode (runs of letters/digits, single other characters) or"
                  + " huggingface (the tokenizer.json at tokenizer.path, e.g. your trainer's)."));
  public static final ConfigKey<String> TOKENIZER_PATH =
      add(
          ConfigKey.of(
              "tokenizer.path",
              null,
              ValueParser.nonEmptyString(),
              "tokenizer.kind=huggingface: a Hugging Face tokenizer.json on any Hadoop file system"
                  + " (its sha256 is part of every stage fingerprint that tokenizes)."));
  public static final ConfigKey<Boolean> TOKENIZER_LOWERCASE =
      add(
          ConfigKey.of(
              "tokenizer.lowercase",
              false,
              ValueParser.bool(),
              "Lower-case tokens before counting."));

  public static final ConfigKey<String> SAMPLER_MODE =
      add(
          ConfigKey.of(
              "sampler.mode",
              "weighted",
              ValueParser.oneOf("weighted", "resample"),
              "weighted: every usable document once with a weight column; resample: a document"
                  + " appears ⌊w·r⌋ or ⌊w·r⌋+1 times (seeded systematic sampling), r chosen so"
                  + " the shards hold sampler.target-tokens tokens."));
  public static final ConfigKey<Long> SAMPLER_TARGET_TOKENS =
      add(
          ConfigKey.of(
              "sampler.target-tokens",
              0L,
              ValueParser.longRange(0, Long.MAX_VALUE),
              "resample mode: tokens the shards hold, met within 0.5% (0 = the usable input's"
                  + " tokens). With sampler.phases, split between the phases by"
                  + " sampler.phase-split."));
  public static final ConfigKey<Double> SAMPLER_MAX_WEIGHT_RATIO =
      add(
          ConfigKey.of(
              "sampler.max-weight-ratio",
              100.0,
              ValueParser.doubleRange(1, true, Double.POSITIVE_INFINITY, false),
              "Clip final weights so that max weight / min weight ≤ this (around the median),"
                  + " before domain targets rescale whole domains."));
  public static final ConfigKey<Object> SAMPLER_DOMAIN_TARGETS =
      add(
          ConfigKey.object(
              "sampler.domain-targets",
              null,
              ValueParser.pathOrShares(),
              "Domain mixture: a JSON file {\"domain\": share, …} (DoReMi/DoGE output; any"
                  + " Hadoop file system) or an inline object { domain: share }. Weights are"
                  + " rescaled within each domain so its share of the total weight (or of"
                  + " weighted tokens, sampler.domain-share-of) is the target. Shares must sum"
                  + " to 1; every domain with documents must be named; a named domain must have"
                  + " documents; share 0 gives its documents weight 0."));
  public static final ConfigKey<String> SAMPLER_DOMAIN_SHARE_OF =
      add(
          ConfigKey.of(
              "sampler.domain-share-of",
              "weight",
              ValueParser.oneOf("weight", "tokens"),
              "What a domain target is a share of: weight (Σ weight) or tokens (Σ weight ×"
                  + " n_tokens, i.e. of the tokens a weighted sampler draws)."));
  public static final ConfigKey<Boolean> SAMPLER_PHASES =
      add(
          ConfigKey.of(
              "sampler.phases",
              false,
              ValueParser.bool(),
              "Write two shard sets, shards/phase-1 and shards/phase-2, weighted with each"
                  + " phase's weights of a phased signal (influence: weight_influence_1/2)."));
  public static final ConfigKey<Double> SAMPLER_PHASE_SPLIT =
      add(
          ConfigKey.of(
              "sampler.phase-split",
              0.1,
              ValueParser.doubleRange(0, false, 1, false),
              "With sampler.phases: phase 1's share of the token budget (resample mode: of"
                  + " sampler.target-tokens; weighted mode: recorded in the manifest for the"
                  + " trainer)."));
  public static final ConfigKey<Integer> SAMPLER_SHARD_ROWS =
      add(
          ConfigKey.of(
              "sampler.shard-rows",
              null,
              ValueParser.intRange(1, Integer.MAX_VALUE),
              "Rows per output shard (the last may be smaller). Set at most one of shard-rows,"
                  + " shard-bytes, shard-tokens; 100000 rows when none is set."));
  public static final ConfigKey<Long> SAMPLER_SHARD_BYTES =
      add(
          ConfigKey.of(
              "sampler.shard-bytes",
              null,
              ValueParser.longRange(1, Long.MAX_VALUE),
              "Target shard size in uncompressed bytes (UTF-8 bytes of string values + 8 per"
                  + " other value); each shard is within one row of it, the last may be"
                  + " smaller."));
  public static final ConfigKey<Long> SAMPLER_SHARD_TOKENS =
      add(
          ConfigKey.of(
              "sampler.shard-tokens",
              null,
              ValueParser.longRange(1, Long.MAX_VALUE),
              "Target tokens (n_tokens) per shard; each shard is within one document of it."));
  public static final ConfigKey<Long> SAMPLER_SEED =
      add(
          ConfigKey.of(
              "sampler.seed",
              0L,
              ValueParser.anyLong(),
              "Seed for every random choice in the run (shard order, samples)."));

  // ---- reweigh evaluate (docs/evaluation.md): a separate small LM trained once per arm ----

  /** The arms' names besides the signals' own. */
  public static final String ARM_UNIFORM = "uniform";

  public static final String ARM_WEIGHTED = "weighted";
  public static final String ARM_RESAMPLED = "resampled";

  public static final ConfigKey<List<String>> EVAL_ARMS =
      add(
          ConfigKey.of(
              "evaluate.arms",
              List.of(ARM_UNIFORM, ARM_WEIGHTED),
              ValueParser.subsetOf(
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of(ARM_UNIFORM, ARM_WEIGHTED, ARM_RESAMPLED),
                          Signals.names().stream())
                      .toArray(String[]::new)),
              "Arms of reweigh evaluate: uniform (every usable document alike), weighted (∝ weight),"
                  + " a signal's name (∝ weight_<signal>), resampled (the resampled shards' rows)."));
  public static final ConfigKey<Integer> EVAL_STEPS =
      add(
          ConfigKey.of(
              "evaluate.steps",
              400,
              ValueParser.intRange(1, 10_000_000),
              "Training steps per arm (the same for every arm)."));
  public static final ConfigKey<Integer> EVAL_BATCH =
      add(
          ConfigKey.of(
              "evaluate.batch",
              16,
              ValueParser.intRange(1, 4096),
              "Packed windows of evaluate.proxy.context tokens per step."));
  public static final ConfigKey<Integer> EVAL_EVERY =
      add(
          ConfigKey.of(
              "evaluate.every",
              25,
              ValueParser.intRange(1, 10_000_000),
              "Held-out perplexity is measured every this many steps (and after the last)."));
  public static final ConfigKey<Double> EVAL_LEARNING_RATE =
      add(
          ConfigKey.of(
              "evaluate.learning-rate",
              1e-3,
              ValueParser.doubleRange(0, false, 1, true),
              "Peak learning rate (Adam; linear warm-up, then cosine decay to a tenth of it)."));
  public static final ConfigKey<Double> EVAL_WARMUP =
      add(
          ConfigKey.of(
              "evaluate.warmup",
              0.1,
              ValueParser.doubleRange(0, true, 1, false),
              "Share of the steps spent warming the learning rate up linearly."));
  public static final ConfigKey<Long> EVAL_SEED =
      add(
          ConfigKey.of(
              "evaluate.seed",
              0L,
              ValueParser.anyLong(),
              "First seed: seed i of evaluate.seeds is this + i (initial weights and draws);"
                  + " it also seeds the held-out sample."));
  public static final ConfigKey<Integer> EVAL_SEEDS =
      add(
          ConfigKey.of(
              "evaluate.seeds",
              3,
              ValueParser.intRange(1, 100),
              "Training runs per arm, one per seed; ratios are reported with their 95% interval"
                  + " across them (1 = a quick look without an interval)."));
  public static final ConfigKey<Integer> EVAL_MIN_TOKENS =
      add(
          ConfigKey.of(
              "evaluate.min-eval-tokens",
              2_000,
              ValueParser.intRange(1, Integer.MAX_VALUE),
              "Fewer held-out tokens than this (after removing leaked documents) is an error."));
  public static final ConfigKey<Integer> EVAL_MAX_TOKENS =
      add(
          ConfigKey.of(
              "evaluate.max-eval-tokens",
              50_000,
              ValueParser.intRange(1, Integer.MAX_VALUE),
              "Held-out tokens scored at most: a seeded sample of windows across the whole"
                  + " held-out set."));
  public static final ConfigKey<Integer> EVAL_VOCAB =
      add(
          ConfigKey.of(
              "evaluate.proxy.vocab",
              8_192,
              ValueParser.intRange(16, 1 << 22),
              "Evaluation LM vocabulary: tokenizer ids hashed into this many buckets."));
  public static final ConfigKey<Integer> EVAL_WIDTH =
      add(
          ConfigKey.of(
              "evaluate.proxy.width",
              128,
              ValueParser.intRange(4, 4096),
              "Evaluation LM width (a multiple of evaluate.proxy.heads)."));
  public static final ConfigKey<Integer> EVAL_BLOCKS =
      add(
          ConfigKey.of(
              "evaluate.proxy.blocks",
              2,
              ValueParser.intRange(1, 8),
              "Evaluation LM transformer blocks."));
  public static final ConfigKey<Integer> EVAL_HEADS =
      add(
          ConfigKey.of(
              "evaluate.proxy.heads",
              4,
              ValueParser.intRange(1, 64),
              "Evaluation LM attention heads."));
  public static final ConfigKey<Integer> EVAL_CONTEXT =
      add(
          ConfigKey.of(
              "evaluate.proxy.context",
              128,
              ValueParser.intRange(2, 8192),
              "Evaluation LM context: tokens per packed training and held-out window."));
  public static final ConfigKey<Integer> EVAL_THREADS =
      add(
          ConfigKey.tuning(
              "evaluate.threads",
              0,
              ValueParser.intRange(0, 1024),
              "PyTorch intra-op threads of the driver while evaluating (0 = all cores)."));

  // ---- reweigh tune (docs/tuning.md): DoReMi's domain mixture, then signal strengths ----

  public static final ConfigKey<Double> TUNE_MAX_ARMS =
      add(
          ConfigKey.of(
              "tune.max-arms",
              8.0,
              ValueParser.doubleRange(1, true, 1000, true),
              "The strength search's budget in full-length training runs (successive halving:"
                  + " most candidates stop early); DoReMi's two runs and the final report come on"
                  + " top."));
  public static final ConfigKey<List<Double>> TUNE_ALPHA_GRID =
      add(
          ConfigKey.of(
              "tune.alpha-grid",
              List.of(0.0, 0.5, 1.0, 2.0),
              ValueParser.numbers(0, 100),
              "Exponents tried for each signal's sampler.alpha (0 and the run's own value are"
                  + " always added)."));
  public static final ConfigKey<Integer> TUNE_MAX_CANDIDATES =
      add(
          ConfigKey.of(
              "tune.max-candidates",
              8,
              ValueParser.intRange(2, 64),
              "Candidates entering the search at most: uniform, the run's own setting, the learned"
                  + " mixture alone and with the run's exponents, the held-out set's own domain mix"
                  + " with them, then a seeded sample of the rest of the grid."));
  public static final ConfigKey<Integer> TUNE_DOREMI_STEPS =
      add(
          ConfigKey.of(
              "tune.doremi.steps",
              0,
              ValueParser.intRange(0, 10_000_000),
              "Steps of DoReMi's reference and proxy models (0 = evaluate.steps)."));
  public static final ConfigKey<Double> TUNE_DOREMI_ETA =
      add(
          ConfigKey.of(
              "tune.doremi.eta",
              1.0,
              ValueParser.doubleRange(0, false, 100, true),
              "DoReMi's step size η of the exponentiated-gradient update of the domain weights."));
  public static final ConfigKey<Double> TUNE_DOREMI_EPSILON =
      add(
          ConfigKey.of(
              "tune.doremi.epsilon",
              1e-3,
              ValueParser.doubleRange(0, true, 1, false),
              "DoReMi's smoothing ε of the domain weights toward uniform."));

  private static final Map<String, ConfigKey<Double>> ALPHA = new LinkedHashMap<>();

  static {
    // each signal's own keys, then its exponent in the sampler's product
    for (Signal s : Signals.all()) {
      s.keys().forEach(Keys::add);
      ALPHA.put(
          s.name(),
          add(
              ConfigKey.of(
                  "sampler.alpha." + s.name(),
                  1.0,
                  ValueParser.doubleRange(0, true, 100, true),
                  "Exponent of weight_" + s.name() + " in the final weight (0 switches it off).")));
    }
  }

  /** sampler.alpha.&lt;signal&gt;. */
  public static ConfigKey<Double> alpha(String signal) {
    ConfigKey<Double> k = ALPHA.get(signal);
    if (k == null) {
      throw new IllegalArgumentException("no signal " + signal);
    }
    return k;
  }

  private static <T> ConfigKey<T> add(ConfigKey<T> k) {
    String key = k.key();
    if (REGISTRY.put(key, k) != null) {
      throw new IllegalStateException("duplicate config key " + key);
    }
    return k;
  }

  public static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(new ArrayList<>(REGISTRY.values()));
  }

  public static ConfigKey<?> find(String key) {
    return REGISTRY.get(key);
  }

  public static List<String> names() {
    return List.copyOf(REGISTRY.keySet());
  }

  /** Markdown table of every key (docs/config.md is generated from this). */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | default | valid values | meaning |\n|---|---|---|---|\n");
    for (ConfigKey<?> k : REGISTRY.values()) {
      sb.append("| `")
          .append(k.key())
          .append("` | `")
          .append(k.defaultText())
          .append("` | ")
          .append(k.expected().replace("|", "\\|"))
          .append(" | ")
          .append(k.help().replace("|", "\\|"))
          .append(" |\n");
    }
    return sb.toString();
  }
}
