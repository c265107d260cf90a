package dev.edgetrust.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.retry.Backoff.Jitter;
import java.time.Duration;
import java.time.Instant;
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

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @Test
  void farFromTheDeadline_theWaitAndTimeoutStandAsDrawn() {
    Backoff.Attempt attempt =
        Backoff.beforeDeadline(
            Duration.ofSeconds(60), Duration.ofSeconds(30), NOW, NOW.plus(Duration.ofHours(1)));

    assertThat(attempt.delay()).isEqualTo(Duration.ofSeconds(60));
    assertThat(attempt.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(attempt.at()).isEqualTo(NOW.plusSeconds(60));
  }

  @Test
  void seventeenSecondsLeft_aMinuteOfBackoffShrinksSoOneMoreTryEndsBeforeTheDeadline() {
    Instant deadline = NOW.plusSeconds(17);

    Backoff.Attempt attempt =
        Backoff.beforeDeadline(Duration.ofSeconds(61), Duration.ofSeconds(30), NOW, deadline);

    // Half of what is left for the try, so a try that times out still leaves room for another;
    // half of the rest to wait, so a try that fails fast does too.
    assertThat(attempt.timeout()).isEqualTo(Duration.ofMillis(8_500));
    assertThat(attempt.delay()).isEqualTo(Duration.ofMillis(4_250));
    assertThat(attempt.at().plus(attempt.timeout())).isBeforeOrEqualTo(deadline);
  }

  @Test
  void aShortWaitNearTheDeadline_isKept_notStretched() {
    Backoff.Attempt attempt =
        Backoff.beforeDeadline(
            Duration.ofSeconds(2), Duration.ofSeconds(30), NOW, NOW.plusSeconds(20));

    assertThat(attempt.delay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(attempt.timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void retryAfterLongerThanWhatIsLeft_yieldsToTheDeadline() {
    Backoff.Retries retries = SECOND_TO_MINUTE.start(ALWAYS_TOP);

    Backoff.Attempt attempt =
        retries.next(
            Optional.of(Duration.ofSeconds(50)), Duration.ofSeconds(10), NOW, NOW.plusSeconds(30));

    assertThat(attempt.delay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(attempt.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(retries.retries()).isEqualTo(1);
  }

  @Test
  void underTwoSecondsLeft_theLastTryGetsTheShortestTimeoutAndEndsAtTheDeadline() {
    Backoff.Attempt attempt =
        Backoff.beforeDeadline(
            Duration.ofSeconds(40), Duration.ofSeconds(30), NOW, NOW.plusMillis(1_500));

    assertThat(attempt.timeout()).isEqualTo(Backoff.MIN_TIMEOUT);
    assertThat(attempt.delay()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void pastTheDeadline_orWithNoTryFittingBeforeIt_thePlainBackoffApplies() {
    for (Instant deadline : new Instant[] {NOW.minusSeconds(5), NOW.plusMillis(900)}) {
      Backoff.Attempt attempt =
          Backoff.beforeDeadline(Duration.ofSeconds(40), Duration.ofSeconds(30), NOW, deadline);

      assertThat(attempt.delay()).isEqualTo(Duration.ofSeconds(40));
      assertThat(attempt.timeout()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void successiveTriesThatTimeOut_allEndBeforeTheDeadline_withShrinkingTimeouts() {
    Instant deadline = NOW.plusSeconds(40);
    Instant now = NOW;
    Duration previousTimeout = Duration.ofSeconds(30);
    // 20 s from 10 s, 5 s from 32.5 s, 1.25 s from 38.125 s: three tries fit.
    for (int i = 0; i < 3; i++) {
      Backoff.Attempt attempt =
          Backoff.beforeDeadline(Duration.ofSeconds(60), Duration.ofSeconds(30), now, deadline);
      assertThat(attempt.at().plus(attempt.timeout())).isBeforeOrEqualTo(deadline);
      assertThat(attempt.timeout()).isLessThanOrEqualTo(previousTimeout);
      previousTimeout = attempt.timeout();
      // Each try times out: the next is planned from its end.
      now = attempt.at().plus(attempt.timeout());
    }
    assertThat(previousTimeout).isEqualTo(Duration.ofMillis(1_250));
  }

  @Test
  void triesThatFailFast_closeInOnTheDeadline_withoutATightLoop() {
    Instant deadline = NOW.plusSeconds(20);
    Instant now = NOW;
    int tries = 0;
    Backoff.Attempt attempt;
    do {
      attempt =
          Backoff.beforeDeadline(Duration.ofSeconds(60), Duration.ofSeconds(30), now, deadline);
      now = attempt.at();
      tries++;
    } while (attempt.at().isBefore(deadline) && tries < 1_000);

    // Each wait is at least half of the shrinking slack: a few dozen tries, not a busy loop.
    assertThat(tries).isBetween(5, 30);
  }

  @Test
  void latestStart_leavesRoomForTheGivenTries() {
    assertThat(Backoff.latestStart(NOW.plusSeconds(120), Duration.ofSeconds(30), 2))
        .isEqualTo(NOW.plusSeconds(60));
    assertThatThrownBy(() -> Backoff.latestStart(NOW, Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
