package dev.edgetrust.edgehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delays_stayWithinZeroAndTheDoublingCeiling_cappedAt60s() {
    Backoff backoff =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new SplittableRandom(7));

    for (int attempt = 0; attempt < 200; attempt++) {
      long ceiling = Math.min(60_000, 1000L << Math.min(attempt, 20));
      assertThat(backoff.next().toMillis()).as("attempt %d", attempt).isBetween(0L, ceiling);
    }
    assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void delaysAreJittered_acrossTheWholeRange() {
    Backoff backoff =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new SplittableRandom(11));
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 500; i++) {
      for (int j = 0; j < 10; j++) {
        backoff.next();
      }
      long d = backoff.next().toMillis();
      min = Math.min(min, d);
      max = Math.max(max, d);
      backoff.reset();
    }
    assertThat(min).isLessThan(6_000);
    assertThat(max).isGreaterThan(54_000);
  }

  @Test
  void reset_bringsTheCeilingBackToTheBase() {
    RandomGenerator alwaysTop =
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
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), alwaysTop);

    assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(4));
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void capBelowBase_isRefused() {
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), new SplittableRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retryAfter_isAFloorUnderTheJitter_heldToTheCap() {
    Backoff backoff =
        new Backoff(
            java.time.Duration.ofSeconds(1),
            java.time.Duration.ofSeconds(60),
            new java.util.Random(7));
    for (int i = 0; i < 50; i++) {
      assertThat(backoff.next(java.util.Optional.of(java.time.Duration.ofSeconds(5))))
          .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(5))
          .isLessThanOrEqualTo(java.time.Duration.ofSeconds(60));
    }
    // A server asking for an hour gets the cap: it cannot park a node beyond the slowest backoff.
    assertThat(backoff.next(java.util.Optional.of(java.time.Duration.ofHours(1))))
        .isEqualTo(java.time.Duration.ofSeconds(60));
    assertThat(backoff.next(java.util.Optional.empty()))
        .isLessThanOrEqualTo(java.time.Duration.ofSeconds(60));
  }
}
