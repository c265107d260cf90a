package dev.edgetrust.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arithmetic behind the scenarios' figures. */
class SamplesTest {
  private static final long S = 1_000_000_000L;

  @Test
  void peakPerSecond_isTheBusiestSlidingSecond_notTheBusiestCalendarSecond() {
    // Three events either side of a second boundary: 2 per calendar second, 4 within one sliding
    // second.
    long[] times = {0, 600_000_000L, 900_000_000L, 1_100_000_000L, 1_400_000_000L, 3 * S};

    assertThat(Samples.peakPerSecond(times)).isEqualTo(4);
  }

  @Test
  void peakPerSecond_countsEventsExactlyOneSecondApartInDifferentWindows() {
    assertThat(Samples.peakPerSecond(new long[] {0, S, 2 * S})).isEqualTo(1);
    assertThat(Samples.peakPerSecond(new long[0])).isZero();
  }

  @Test
  void percentile_takesTheNearestRank() {
    long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};

    assertThat(Samples.percentile(sorted, 0.5)).isEqualTo(50);
    assertThat(Samples.percentile(sorted, 0.99)).isEqualTo(100);
    assertThat(Samples.percentile(new long[0], 0.5)).isNaN();
  }
}
