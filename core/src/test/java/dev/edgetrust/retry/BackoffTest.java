package dev.edgetrust.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.retry.Backoff.Jitter;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Backoff SECOND_TO_MINUTE =
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Jitter.FULL);

  /** Draws the top of every range, so that a test sees the ceiling itself. */
  private static final RandomGenerator ALWAYS_TOP =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return 0;
        }

        @Override
        public long nextLong(long bound) {
          return bound - 1;
        }
      };

  @Test
  void ceiling_doublesFromTheBase_thenStaysAtTheCap_withoutOverflow() {
    assertThat(SECOND_TO_MINUTE.ceiling(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(SECOND_TO_MINUTE.ceiling(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(SECOND_TO_MINUTE.ceiling(6)).isEqualTo(Duration.ofSeconds(60));
    assertThat(SECOND_TO_MINUTE.ceiling(63)).isEqualTo(Duration.ofSeconds(60));
    assertThat(SECOND_TO_MINUTE.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
    assertThat(new Backoff(Duration.ofDays(1), Duration.ofDays(365), Jitter.FULL).ceiling(40))
        .isEqualTo(Duration.ofDays(365));
  }

  @Test
  void fullJitter_spreadsFromZeroToTheCeiling() {
    RandomGenerator random = new SplittableRandom(11);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2000; i++) {
      long d = SECOND_TO_MINUTE.delay(10, random).toMillis();
      assertThat(d).isBetween(0L, 60_000L);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isLessThan(6_000);
    assertThat(max).isGreaterThan(54_000);
  }

  @Test
  void equalJitter_staysWithinHalfToFullCeiling_andVaries() {
    Backoff policy = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Jitter.EQUAL);
    RandomGenerator random = new SplittableRandom(42);
    long distinct =
        java.util.stream.IntStream.range(0, 200)
            .mapToObj(i -> policy.delay(2, random))
            .peek(d -> assertThat(d).isBetween(Duration.ofMillis(200), Duration.ofMillis(400)))
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(100);
  }

  @Test
  void retries_countFailures_andResetBringsTheCeilingBackToTheBase() {
    Backoff.Retries retries = SECOND_TO_MINUTE.start(ALWAYS_TOP);

    assertThat(retries.next()).isEqualTo(Duration.ofSeconds(1));
    assertThat(retries.next()).isEqualTo(Duration.ofSeconds(2));
    assertThat(retries.next()).isEqualTo(Duration.ofSeconds(4));
    assertThat(retries.retries()).isEqualTo(3);
    retries.reset();
    assertThat(retries.next()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void retryAfter_isAFloorUnderTheJitter_heldToTheCap() {
    Backoff.Retries retries = SECOND_TO_MINUTE.start(new SplittableRandom(7));
    for (int i = 0; i < 50; i++) {
      assertThat(retries.next(Optional.of(Duration.ofSeconds(5))))
          .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(60));
    }
    assertThat(retries.next(Optional.of(Duration.ofDays(3650)))).isEqualTo(Duration.ofSeconds(60));
    assertThat(retries.next(Optional.of(Duration.ofSeconds(-5))))
        .isBetween(Duration.ZERO, Duration.ofSeconds(60));
  }

  @Test
  void aZeroBase_neverWaits() {
    Backoff none = new Backoff(Duration.ZERO, Duration.ZERO, Jitter.EQUAL);
    assertThat(none.delay(5, new SplittableRandom())).isZero();
  }

  @Test
  void aCapBelowTheBase_orANegativeBase_isRefused() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), Jitter.FULL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("need 0 <= base <= cap, was base PT5S, cap PT1S");
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(-1), Duration.ofSeconds(1), Jitter.FULL))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
