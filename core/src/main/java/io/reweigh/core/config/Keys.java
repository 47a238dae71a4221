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
 * base keys below (input, tokenizer, sampler), evaluate's and tune's ({@link EvaluateKeys}), then
 * the keys each registered signal declares ({@link Signal#keys()}) and one {@code
 * sampler.alpha.<signal>} per signal. The table in docs/config.md is generated from it ({@code
 * reweigh config-doc}); a key that is not here is rejected.
 */
public final class Keys {
  private Keys() {}

  /** The base keys, in declaration order. */
  private static final Map<String, ConfigKey<?>> BASE = new LinkedHashMap<>();

  public static final ConfigKey<List<String>> STAGES =
      add(
          ConfigKey.fromSignals(
              "stages",
              () ->
                  Signals.all().stream()
                      .filter(Signal::enabledByDefault)
                      .map(Signal::name)
                      .toList(),
              () -> ValueParser.subsetOf(Signals.names().toArray(String[]::new)),
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

  /**
   * Every key: the base keys above, evaluate's and tune's ({@link EvaluateKeys}), then each
   * signal's own keys and its exponent in the sampler's product. Built on first use, so that
   * declaring the base keys does not load the signals.
   */
  private static final class Registry {
    static final Map<String, ConfigKey<?>> KEYS = new LinkedHashMap<>(BASE);
    static final Map<String, ConfigKey<Double>> ALPHA = new LinkedHashMap<>();

    static {
      EvaluateKeys.all().forEach(k -> put(KEYS, k));
      for (Signal s : Signals.all()) {
        s.keys().forEach(k -> put(KEYS, k));
        ConfigKey<Double> alpha =
            ConfigKey.of(
                "sampler.alpha." + s.name(),
                1.0,
                ValueParser.doubleRange(0, true, 100, true),
                "Exponent of weight_" + s.name() + " in the final weight (0 switches it off).");
        put(KEYS, alpha);
        ALPHA.put(s.name(), alpha);
      }
    }
  }

  /** sampler.alpha.&lt;signal&gt;. */
  public static ConfigKey<Double> alpha(String signal) {
    ConfigKey<Double> k = Registry.ALPHA.get(signal);
    if (k == null) {
      throw new IllegalArgumentException("no signal " + signal);
    }
    return k;
  }

  private static <T> ConfigKey<T> add(ConfigKey<T> k) {
    put(BASE, k);
    return k;
  }

  private static void put(Map<String, ConfigKey<?>> m, ConfigKey<?> k) {
    if (m.put(k.key(), k) != null) {
      throw new IllegalStateException("duplicate config key " + k.key());
    }
  }

  public static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(new ArrayList<>(Registry.KEYS.values()));
  }

  public static ConfigKey<?> find(String key) {
    return Registry.KEYS.get(key);
  }

  public static List<String> names() {
    return List.copyOf(Registry.KEYS.keySet());
  }

  /** Markdown table of every key (docs/config.md is generated from this). */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | default | valid values | meaning |\n|---|---|---|---|\n");
    for (ConfigKey<?> k : Registry.KEYS.values()) {
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
