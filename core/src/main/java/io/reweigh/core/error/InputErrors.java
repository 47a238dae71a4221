package io.reweigh.core.error;

import io.reweigh.core.error.ReweighException.Kind;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Errors about the input: paths, formats, files, columns and rows. Every message names the key,
 * file or row and the value, says why it is a problem and what to do (as in {@link
 * PipelineErrors}). Tests pin this wording: change it on purpose only.
 */
public final class InputErrors {
  private InputErrors() {}

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
}
