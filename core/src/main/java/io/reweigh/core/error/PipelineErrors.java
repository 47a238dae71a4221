package io.reweigh.core.error;

import io.reweigh.core.error.ReweighException.Kind;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The one factory of user-facing errors. Every message names the key, file or row and the value,
 * says why it is a problem and what to do. Tests pin this wording: change it on purpose only.
 */
public final class PipelineErrors {
  private PipelineErrors() {}

  // ---- configuration -------------------------------------------------------------------------

  public static ReweighException unknownKey(
      String key, String origin, Collection<String> validKeys, String suggestion) {
    return new ReweighException(
        Kind.USAGE,
        "Unknown config key '" + key + "'" + (origin == null ? "" : " (" + origin + ")") + ".",
        suggestion == null
            ? "reweigh has no such setting."
            : "reweigh has no such setting; did you mean '" + suggestion + "'?",
        "Use one of: " + String.join(", ", validKeys) + " (docs/config.md describes each).",
        null);
  }

  public static ReweighException invalidValue(
      String key, Object value, String origin, String expected) {
    return new ReweighException(
        Kind.USAGE,
        "Invalid value for config key '"
            + key
            + "': "
            + render(value)
            + (origin == null ? "" : " (" + origin + ")")
            + ".",
        "expected " + expected + ".",
        "Set " + key + " to " + expected + ", e.g. --set " + key + "=<value>.",
        null);
  }

  public static ReweighException badSetArgument(String arg) {
    return new ReweighException(
        Kind.USAGE,
        "Cannot read --set '" + arg + "'.",
        "--set takes KEY=VALUE where VALUE is a HOCON value.",
        "Write it as --set softdedup.order=5 or --set 'stages=[commonness]'.",
        null);
  }

  public static ReweighException configFileUnreadable(String path, String detail) {
    return new ReweighException(
        Kind.USAGE,
        "Cannot read config file '" + path + "'.",
        detail,
        "Check that the file exists and is valid HOCON (conf/reweigh.conf is an example).",
        null);
  }

  public static ReweighException usage(String problem, String fix) {
    return new ReweighException(Kind.USAGE, problem, null, fix, null);
  }

  /**
   * A problem of where the input or output lives (a host, a server, a damaged file): exit 3, like
   * the input's own problems.
   */
  public static ReweighException environment(String problem, String fix) {
    return new ReweighException(Kind.INPUT, problem, null, fix, null);
  }

  // ---- input ---------------------------------------------------------------------------------

  public static ReweighException inputNotFound(String path) {
    return new ReweighException(
        Kind.INPUT,
        "Input path '" + path + "' does not exist.",
        "no file, directory or glob match at that location.",
        "Check the --input value (scheme, bucket, spelling) and that this job may read it.",
        null);
  }

  public static ReweighException noInputFiles(String path, String format) {
    return new ReweighException(
        Kind.INPUT,
        "Input path '" + path + "' holds no " + format + " files.",
        "reweigh reads *.parquet and *.jsonl / *.json / *.ndjson files, plain or .gz / .bz2 / .zst (names starting with '_' or"
            + " '.' are skipped).",
        "Point --input at the data files, or set input.format to the format they have.",
        null);
  }

  public static ReweighException unknownFormat(String file) {
    return new ReweighException(
        Kind.INPUT,
        "Cannot tell the format of input file '" + file + "'.",
        "input.format=auto decides by extension (.parquet, .jsonl, .json, .ndjson, each also .gz or .zst).",
        "Rename the file or set input.format=parquet or input.format=jsonl.",
        null);
  }

  public static ReweighException mixedFormats(String path) {
    return new ReweighException(
        Kind.INPUT,
        "Input path '" + path + "' mixes Parquet and JSONL files.",
        "one run reads one format.",
        "Split the input, or set input.format to the format to read (files of the other are then"
            + " skipped).",
        null);
  }

  public static ReweighException badParquetFile(String file, String detail, Throwable cause) {
    return new ReweighException(
        Kind.INPUT,
        "Input file '" + file + "' is not a readable Parquet file.",
        detail,
        "Re-export the file, or remove it from the input directory.",
        cause);
  }

  public static ReweighException unreadableFile(String file, String detail, Throwable cause) {
    return new ReweighException(
        Kind.INPUT,
        "Input file '" + file + "' cannot be read.",
        detail,
        "Check permissions and that the file is complete.",
        cause);
  }

  public static ReweighException missingColumn(
      String file, String column, String key, Collection<String> available) {
    return new ReweighException(
        Kind.INPUT,
        "Input file '" + file + "' has no column '" + column + "' (" + key + ").",
        "its columns are: " + String.join(", ", available) + ".",
        "Set --set " + key + "=<column> to the column that holds it.",
        null);
  }

  public static ReweighException wrongColumnType(
      String file, String column, String key, String actual) {
    return new ReweighException(
        Kind.INPUT,
        "Column '"
            + column
            + "' ("
            + key
            + ") in input file '"
            + file
            + "' has type "
            + actual
            + ", not string.",
        "the text (and id, domain) columns must hold strings.",
        "Cast the column to string when exporting, or set " + key + " to a string column.",
        null);
  }

  public static ReweighException conflictingColumnTypes(
      String column, String fileA, String typeA, String fileB, String typeB) {
    return new ReweighException(
        Kind.INPUT,
        "Column '"
            + column
            + "' has type "
            + typeA
            + " in input file '"
            + fileA
            + "' but "
            + typeB
            + " in '"
            + fileB
            + "'.",
        "the input files cannot be read as one table.",
        "Rewrite the files with one type for '"
            + column
            + "', or point --input at files that agree.",
        null);
  }

  public static ReweighException noTextFieldInFile(String file, String field, long lines) {
    return new ReweighException(
        Kind.INPUT,
        "Input file '"
            + file
            + "' has no field '"
            + field
            + "' (input.text-column) in any of its "
            + lines
            + " lines.",
        "the text field is named differently in this file, or the file is not a corpus file.",
        "Set --set input.text-column=<field>, or remove the file from the input.",
        null);
  }

  /**
   * No input row is a usable document. {@code byReason}: reject reason label → rows; {@code
   * jsonArrayFile}: a file whose first character is '[' (a JSON array, not JSON Lines), or null.
   */
  public static ReweighException noUsableRows(
      String input, long rows, java.util.Map<String, Long> byReason, String jsonArrayFile) {
    String reasons =
        byReason.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining(", "));
    String fix =
        jsonArrayFile != null
            ? "'"
                + jsonArrayFile
                + "' is one JSON array, not JSON Lines (one object per line): convert it with"
                + " jq -c '.[]' FILE > FILE.jsonl and point --input at the result."
            : rows == 0
                ? "Point --input at files that hold documents."
                : "Fix the rows (rejects are not written for a run that keeps none; `reweigh"
                    + " validate --input "
                    + input
                    + "` lists examples), or map the fields with input.id-column /"
                    + " input.text-column.";
    return new ReweighException(
        Kind.INPUT,
        "No usable document in input '"
            + input
            + "': "
            + rows
            + " row(s) read, every one rejected.",
        rows == 0 ? "the input holds no rows." : "reasons: " + reasons + ".",
        fix + " Nothing was written.",
        null);
  }

  public static ReweighException noIdColumn(String file, String column) {
    return new ReweighException(
        Kind.INPUT,
        "Input file '" + file + "' has no id column '" + column + "'.",
        "every document needs a stable id (input.id-column).",
        "Set --set input.id-column=<column>, or --set input.generate-ids=true to derive ids from"
            + " file name and row index.",
        null);
  }

  // ---- pipeline ------------------------------------------------------------------------------

  public static ReweighException accountingBroken(long in, long out, long rejected) {
    return new ReweighException(
        Kind.INTERNAL,
        "Row accounting failed: input rows "
            + in
            + " != rows in shards "
            + out
            + " + rejected rows "
            + rejected
            + ".",
        "a stage lost or invented rows; the shards cannot be trusted.",
        "Rerun with --force; if it persists, report it with manifest.json attached.",
        null);
  }

  public static ReweighException missingScores(String stage, long missing, String exampleId) {
    return new ReweighException(
        Kind.INTERNAL,
        "Stage '"
            + stage
            + "' has no score for "
            + missing
            + " documents (e.g. id "
            + exampleId
            + ").",
        "its committed table does not cover the current input.",
        "Rerun with --force to recompute the stage.",
        null);
  }

  public static ReweighException outputNotUsable(String path, String detail) {
    return new ReweighException(
        Kind.USAGE,
        "Output directory '" + path + "' cannot be used.",
        detail,
        "Choose an empty directory or one written by an earlier reweigh run.",
        null);
  }

  /** report / explain on a folder without a finished run's manifest.json. */
  public static ReweighException notAFinishedOutput(String path, String detail) {
    return new ReweighException(
        Kind.INPUT,
        "'" + path + "' is not a finished reweigh output.",
        detail,
        "Pass the --output folder of a run that completed (it holds manifest.json), or rerun it.",
        null);
  }

  /** reweigh evaluate's --eval documents cannot be used. */
  public static ReweighException evaluationInput(String path, String detail) {
    return new ReweighException(
        Kind.INPUT,
        "Held-out documents '" + path + "' (--eval) cannot be used.",
        detail,
        "Pass a JSONL or Parquet file, folder or glob of documents that were not in the run's"
            + " input, with the run's text field, and enough of them (evaluate.min-eval-tokens).",
        null);
  }

  public static ReweighException outputInsideInput(String output, String input) {
    return new ReweighException(
        Kind.USAGE,
        "Output directory '" + output + "' is inside the input '" + input + "'.",
        "the next run would read the shards written there as input documents.",
        "Choose an --output folder outside the input.",
        null);
  }

  public static ReweighException nativesNotLoaded(String engine, String cacheDir, Throwable cause) {
    return new ReweighException(
        Kind.INTERNAL,
        "DJL could not load the " + engine + " native library (DJL_CACHE_DIR=" + cacheDir + ").",
        cause == null ? null : String.valueOf(cause.getMessage()),
        "Run the shaded reweigh jar (it bundles ai.djl.pytorch:pytorch-native-cpu for linux-x86_64)"
            + " or put pytorch-jni and a pytorch-native-* jar on the classpath; make DJL_CACHE_DIR"
            + " writable; for CUDA build with -Pgpu. No download is attempted (ai.djl.offline=true).",
        cause);
  }

  // ---- files named by config keys (tokenizer.json, TorchScript models) -----------------------

  public static ReweighException keyFileMissing(String key, String path, String what) {
    return new ReweighException(
        Kind.USAGE,
        "The " + what + " '" + path + "' (" + key + ") does not exist.",
        "no file at that location.",
        "Check the value of " + key + " (scheme, spelling) and that this job may read it.",
        null);
  }

  public static ReweighException keyFileInvalid(
      String key, String path, String what, String detail, String fix, Throwable cause) {
    return new ReweighException(
        Kind.INPUT,
        "The file '" + path + "' (" + key + ") is not a usable " + what + ".",
        detail,
        fix,
        cause);
  }

  // ---- sampler -------------------------------------------------------------------------------

  public static ReweighException domainTargetsUnreadable(String source, String detail) {
    return new ReweighException(
        Kind.USAGE,
        "Cannot read the domain targets " + source + " (sampler.domain-targets).",
        detail,
        "Give a JSON object mapping each domain to its share of the total weight, e.g."
            + " {\"web\": 0.6, \"code\": 0.4}.",
        null);
  }

  public static ReweighException domainTargetsSum(String source, double sum) {
    return new ReweighException(
        Kind.USAGE,
        "The domain targets "
            + source
            + " sum to "
            + new java.math.BigDecimal(sum)
                .round(new java.math.MathContext(9))
                .stripTrailingZeros()
                .toPlainString()
            + ", not 1.",
        "each share is a domain's part of the total weight, so the shares must add up to 1"
            + " (within 1e-6).",
        "Rescale the shares so that they sum to 1.",
        null);
  }

  public static ReweighException domainTargetWithoutDocuments(
      String source, String domain, Collection<String> present) {
    return new ReweighException(
        Kind.USAGE,
        "The domain targets "
            + source
            + " give domain '"
            + domain
            + "' a share, but no usable"
            + " document has that domain.",
        "a share cannot be met without documents; the domains with documents are " + present + ".",
        "Remove '" + domain + "' from the targets (and rescale), or check input.domain-column.",
        null);
  }

  public static ReweighException domainsWithoutTarget(
      String source, java.util.Map<String, Long> docsByDomain) {
    return new ReweighException(
        Kind.USAGE,
        "The domain targets "
            + source
            + " do not name "
            + docsByDomain.size()
            + " domain(s) that have documents: "
            + docsByDomain.entrySet().stream()
                .map(e -> "'" + e.getKey() + "' (" + e.getValue() + " documents)")
                .collect(Collectors.joining(", "))
            + ".",
        "every document must belong to a domain with a target, or the shares cannot add up.",
        "Add each domain to the targets (share 0 gives its documents weight 0), or filter the"
            + " input.",
        null);
  }

  public static ReweighException documentsWithoutDomain(long count, String exampleId) {
    return new ReweighException(
        Kind.USAGE,
        count
            + " usable documents have no domain (e.g. id "
            + exampleId
            + "), but"
            + " sampler.domain-targets is set.",
        "domain targets rescale weights by domain; a document without one cannot be placed.",
        "Set input.domain-column to the column holding the domain, give every row a domain, or"
            + " unset sampler.domain-targets.",
        null);
  }

  public static ReweighException targetTokensUnreachable(
      long target, long best, double ratio, int iterations) {
    return new ReweighException(
        Kind.USAGE,
        "Resampling cannot hit sampler.target-tokens="
            + target
            + " within 0.5%: the closest was "
            + best
            + " tokens (r = "
            + ratio
            + ", "
            + iterations
            + " tries).",
        "whole documents are drawn, so a budget close to a few documents' length cannot be met.",
        "Raise sampler.target-tokens, or use sampler.mode=weighted.",
        null);
  }

  public static ReweighException phasesWithoutPhasedSignal(Collection<String> signals) {
    return new ReweighException(
        Kind.USAGE,
        "sampler.phases=true, but none of the signals in use " + signals + " has phase weights.",
        "phase shard sets are weighted with each phase's weights of a phased signal"
            + " (influence: weight_influence_1 and weight_influence_2).",
        "Add influence to stages (with sampler.alpha.influence > 0), or set sampler.phases=false.",
        null);
  }

  public static ReweighException internal(String problem, Throwable cause) {
    return new ReweighException(
        Kind.INTERNAL, problem, cause == null ? null : cause.toString(), null, cause);
  }

  static String render(Object value) {
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    if (value instanceof Collection<?> c) {
      return c.stream().map(PipelineErrors::render).collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }
}
