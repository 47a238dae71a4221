package io.reweigh.influence.spark;

import io.reweigh.core.stage.StageDetails;
import java.util.List;
import java.util.Map;

/**
 * The proxy-model stage's details ({@code stages.proxy-model} in manifest.json). A trained proxy
 * LM: its training tokens, device, parameter count, mean loss of the first and last tenth of the
 * steps and the checkpoints written. An imported influence.model: its format, file, sha256, bytes,
 * the vocabulary and hidden size the probe found, and the device. Both: timings. What the other
 * kind reports is null and left out.
 */
public record ProxyModelDetails(
    Long trainTokens,
    String device,
    Long parameters,
    Double lossFirst,
    Double lossLast,
    List<ProxyModelStage.CheckpointEntry> checkpoints,
    String format,
    String model,
    String sha256,
    Long bytes,
    Long vocab,
    Long hidden,
    Map<String, Double> timingsS)
    implements StageDetails {

  /** A proxy LM trained in this run. */
  public static ProxyModelDetails trained(
      long trainTokens,
      String device,
      long parameters,
      double lossFirst,
      double lossLast,
      List<ProxyModelStage.CheckpointEntry> checkpoints,
      Map<String, Double> timings) {
    return new ProxyModelDetails(
        trainTokens,
        device,
        parameters,
        lossFirst,
        lossLast,
        checkpoints,
        null,
        null,
        null,
        null,
        null,
        null,
        timings);
  }

  /** A user's TorchScript model (influence.model), checked and copied. */
  public static ProxyModelDetails imported(
      String format,
      String model,
      String sha256,
      long bytes,
      long vocab,
      long hidden,
      String device,
      Map<String, Double> timings) {
    return new ProxyModelDetails(
        null, device, null, null, null, null, format, model, sha256, bytes, vocab, hidden, timings);
  }
}
