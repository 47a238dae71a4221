package io.reweigh.jobs;

import io.reweigh.core.signal.Signal;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A signal whose score table is committed: its outputs and the table. */
record Scored(Signal signal, Signal.Outputs outputs, Dataset<Row> table) {}
