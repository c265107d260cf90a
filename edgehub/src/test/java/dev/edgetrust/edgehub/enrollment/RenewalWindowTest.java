package dev.edgetrust.edgehub.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RenewalWindowTest {
  private static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void renewalPoint_isAlwaysBetween70And90PercentOfTheLifetime() {
    SplittableRandom random = new SplittableRandom(42);
    for (Duration lifetime :
        new Duration[] {Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofDays(365)}) {
      Instant notAfter = NOT_BEFORE.plus(lifetime);
      Instant earliest = NOT_BEFORE.plusMillis((long) (lifetime.toMillis() * 0.7));
      Instant latest = NOT_BEFORE.plusMillis((long) (lifetime.toMillis() * 0.9));
      Instant first = null;
      boolean varies = false;
      for (int i = 0; i < 10_000; i++) {
        Instant at = RenewalWindow.DEFAULT.pick(NOT_BEFORE, notAfter, random);
        assertThat(at).isBetween(earliest, latest);
        varies |= first != null && !at.equals(first);
        first = first == null ? at : first;
      }
      assertThat(varies).as("the point is random").isTrue();
    }
  }

  @Test
  void windowOutsideTheLifetime_isRefused() {
    assertThatThrownBy(() -> new RenewalWindow(0.9, 0.7))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RenewalWindow(0.5, 1.1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RenewalWindow(Double.NaN, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
