package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.Figure;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Sums of the slices one server was measured in. */
final class SliceTotals {
  long handshakes;
  long failures;
  double seconds;
  double serverCpu;
  double clientCpu;
  final Set<String> negotiated = new LinkedHashSet<>();
  String firstFailure;
  final List<HandshakeClient.Slice> rounds = new ArrayList<>();

  void add(HandshakeClient.Slice r) {
    rounds.add(r);
    handshakes += r.handshakes();
    failures += r.failures();
    seconds += r.seconds();
    serverCpu += r.serverCpuSeconds();
    clientCpu += r.clientCpuSeconds();
    negotiated.add(r.negotiated());
    if (firstFailure == null) {
      firstFailure = r.firstFailure();
    }
  }

  String perRound() {
    return String.join(
        ", ",
        rounds.stream()
            .map(
                r ->
                    Figure.format(r.handshakes() / r.seconds())
                        + " ("
                        + Figure.format(r.serverCpuSeconds() * 1000 / Math.max(1, r.handshakes()))
                        + ")")
            .toList());
  }

  double rate() {
    return seconds == 0 ? 0 : handshakes / seconds;
  }

  double serverCpuMs() {
    return handshakes == 0 ? Double.NaN : serverCpu * 1000 / handshakes;
  }

  double clientShare() {
    double both = serverCpu + clientCpu;
    return both == 0 ? Double.NaN : clientCpu / both;
  }
}
