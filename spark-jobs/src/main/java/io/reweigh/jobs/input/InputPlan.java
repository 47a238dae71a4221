package io.reweigh.jobs.input;

import io.reweigh.core.io.InputFingerprint;
import java.io.Serializable;

/** The resolved input of a run: the path the user gave, its format and every data file. */
public record InputPlan(String userPath, InputFingerprint fingerprint) implements Serializable {
  public static final String PARQUET = "parquet";
  public static final String JSONL = "jsonl";

  public String format() {
    return fingerprint.format();
  }

  public String[] files() {
    return fingerprint.paths().toArray(String[]::new);
  }
}
