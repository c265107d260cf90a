package dev.edgetrust.bench.measure;

/**
 * The two statistics the scenarios report over their samples (nanosecond timestamps or latencies,
 * sorted ascending): a percentile as a report states it, and the busiest second.
 */
public final class Samples {
  private Samples() {}

  /**
   * The nearest-rank percentile: the smallest sample that {@code p} of all are at or under; NaN
   * when there are none.
   */
  public static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The most events within any one-second window. */
  public static int peakPerSecond(long[] sortedNanos) {
    int peak = 0;
    int from = 0;
    for (int to = 0; to < sortedNanos.length; to++) {
      while (sortedNanos[to] - sortedNanos[from] >= 1_000_000_000L) {
        from++;
      }
      peak = Math.max(peak, to - from + 1);
    }
    return peak;
  }
}
