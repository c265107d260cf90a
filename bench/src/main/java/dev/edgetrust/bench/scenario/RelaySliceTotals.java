package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.Figure;
import java.util.ArrayList;
import java.util.List;

/**
 * Sums of the slices of one path and kind; quantiles are the worst slice's (slices are equal in
 * length).
 */
final class RelaySliceTotals {
  final List<RelayClient.Slice> slices = new ArrayList<>();

  void add(RelayClient.Slice s) {
    slices.add(s);
  }

  long messages() {
    return slices.stream().mapToLong(RelayClient.Slice::messages).sum();
  }

  double rate() {
    double seconds = slices.stream().mapToDouble(RelayClient.Slice::seconds).sum();
    return seconds == 0 ? 0 : messages() / seconds;
  }

  double perCpuSecond() {
    double cpu = slices.stream().mapToDouble(RelayClient.Slice::serverCpuSeconds).sum();
    return cpu == 0 ? Double.NaN : messages() / cpu;
  }

  double cpuMicrosPerMessage() {
    return messages() == 0
        ? Double.NaN
        : slices.stream().mapToDouble(RelayClient.Slice::serverCpuSeconds).sum() * 1e6 / messages();
  }

  double p50Ms() {
    return slices.stream().mapToLong(RelayClient.Slice::p50Us).max().orElse(0) / 1000.0;
  }

  double p99Ms() {
    return slices.stream().mapToLong(RelayClient.Slice::p99Us).max().orElse(0) / 1000.0;
  }

  long unanswered() {
    return slices.stream().mapToLong(RelayClient.Slice::unanswered).sum();
  }

  String firstFailure() {
    return slices.stream()
        .map(RelayClient.Slice::firstFailure)
        .filter(f -> f != null)
        .findFirst()
        .orElse(null);
  }

  /**
   * Each slice's rate, and its p99 where that says something (one message in flight: under load it
   * is the window / the rate).
   */
  String perSlice(boolean latency) {
    return String.join(
        ", ",
        slices.stream()
            .map(
                s ->
                    Figure.format(s.rate())
                        + "/s"
                        + (latency ? " p99 " + Figure.format(s.p99Us() / 1000.0) + " ms" : ""))
            .toList());
  }
}
