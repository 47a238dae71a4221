package io.reweigh.jobs.manifest;

import io.reweigh.core.stage.StageDetails;
import io.reweigh.core.text.Tokenizer;
import java.util.Map;

/**
 * The ingest stage's details ({@code stages.ingest} in manifest.json), which the pipeline reads
 * back for the run's counts: input, usable and rejected rows, rejects by reason, tokens of the
 * usable rows, the tokenizer, how the ids were checked, and (with {@code
 * input.replace-invalid-utf8} only, else null and left out) the rows whose invalid UTF-8 was
 * replaced.
 */
public record IngestDetails(
    long inputRows,
    long usableRows,
    long rejectedRows,
    Map<String, Long> rejectedByReason,
    long tokens,
    Tokenizer.Description tokenizer,
    String idCheck,
    Long invalidUtf8Replaced)
    implements StageDetails {}
