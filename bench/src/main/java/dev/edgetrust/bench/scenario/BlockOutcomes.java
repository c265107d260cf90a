package dev.edgetrust.bench.scenario;

import java.util.ArrayList;
import java.util.List;

/** Latencies in nanoseconds from the call, and what went wrong. */
final class BlockOutcomes {
  final List<Long> call = new ArrayList<>();
  final List<Long> closed = new ArrayList<>();
  final List<Long> refused = new ArrayList<>();
  int attempted;
  int reportsDone;
  int notClosed;
  int reconnectsAccepted;
  int reconnectsOtherwiseFailed;
  String firstProblem;

  void problem(String what) {
    if (firstProblem == null) {
      firstProblem = what;
    }
  }

  long[] sorted(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sorted().toArray();
  }
}
