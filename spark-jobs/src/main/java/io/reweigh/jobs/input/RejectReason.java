package io.reweigh.jobs.input;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * The fixed reasons ingest rejects a row for: each label is what the {@code reject_reason} column
 * holds and the key of the manifest's {@code rejected_by_reason} (stable strings: tests and
 * dashboards group by them). The specifics of a row ("first at FILE:ROW", "20000000 > 10000000
 * chars") go to the {@code reject_detail} column, never into the label (docs/architecture.md, "Data
 * contract").
 */
public enum RejectReason {
  INVALID_JSON("invalid JSON"),
  NOT_OBJECT("JSON line is not an object"),
  BLANK_LINE("blank line"),
  NO_TEXT_FIELD("no text field"),
  NULL_TEXT("text is null"),
  TEXT_NOT_STRING("text is not a string"),
  EMPTY_TEXT("text is empty or whitespace only"),
  INVALID_UTF8("text is not valid UTF-8"),
  TOO_LONG("text longer than input.max-doc-chars"),
  MISSING_ID("missing id"),
  BAD_ID("id is not a string or number"),
  DUPLICATE_ID("duplicate id"),
  NO_TOKENS("text has no tokens");

  private final String label;

  RejectReason(String label) {
    this.label = label;
  }

  /** The value of the {@code reject_reason} column. */
  public String label() {
    return label;
  }

  /** The label as a Spark literal. */
  public Column lit() {
    return functions.lit(label);
  }

  /** Whether {@code label} (a {@code reject_reason} value, possibly null) is this reason's. */
  public boolean is(String label) {
    return this.label.equals(label);
  }

  @Override
  public String toString() {
    return label;
  }
}
