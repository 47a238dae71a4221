package io.reweigh.core.error;

import io.reweigh.core.error.ReweighException.Kind;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The factory of user-facing errors about configuration, the run and its output; the input's are in
 * {@link InputErrors}, the sampler settings' in {@link SamplerErrors}. Every message names the key,
 * file or row and the value, says why it is a problem and what to do. Tests pin this wording:
 * change it on purpose only.
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
