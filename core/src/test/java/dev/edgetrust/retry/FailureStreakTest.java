package dev.edgetrust.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.retry.FailureStreak.Report;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailureStreakTest {
  private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

  private static FailureStreak fiveMinutesThenEveryTen() {
    return new FailureStreak(Duration.ofMinutes(5), Duration.ofMinutes(10));
  }

  @Test
  void failuresEveryTenSeconds_forHalfAnHour_giveOneErrorAndAFewSummaries_notALinePerAttempt() {
    FailureStreak streak = fiveMinutesThenEveryTen();
    int newCause = 0;
    int escalations = 0;
    int summaries = 0;
    for (int s = 0; s < 30 * 60; s += 10) {
      switch (streak.failed(T0.plusSeconds(s), "Vault at https://vault:8200 is sealed")) {
        case NEW_CAUSE -> newCause++;
        case ESCALATE -> escalations++;
        case SUMMARY -> summaries++;
        case REPEAT, QUIET -> {}
      }
    }

    assertThat(newCause).isEqualTo(1);
    assertThat(escalations).isEqualTo(1);
    // At 15 and 25 minutes.
    assertThat(summaries).isEqualTo(2);
    assertThat(streak.failures()).isEqualTo(180);
    assertThat(streak.failingFor(T0.plusSeconds(1790))).isEqualTo(Duration.ofSeconds(1790));
  }

  @Test
  void aNewCauseBeforeEscalation_isReported_aRepeatIsNot() {
    FailureStreak streak = fiveMinutesThenEveryTen();

    assertThat(streak.failed(T0, "sealed")).isEqualTo(Report.NEW_CAUSE);
    assertThat(streak.failed(T0.plusSeconds(1), "sealed")).isEqualTo(Report.REPEAT);
    assertThat(streak.failed(T0.plusSeconds(2), "unreachable")).isEqualTo(Report.NEW_CAUSE);
    assertThat(streak.lastCause()).isEqualTo("unreachable");
  }

  @Test
  void afterEscalation_evenANewCauseWaitsForTheNextSummary() {
    FailureStreak streak = fiveMinutesThenEveryTen();
    streak.failed(T0, "sealed");

    assertThat(streak.failed(T0.plus(Duration.ofMinutes(5)), "sealed")).isEqualTo(Report.ESCALATE);
    assertThat(streak.failed(T0.plus(Duration.ofMinutes(6)), "unreachable"))
        .isEqualTo(Report.QUIET);
    assertThat(streak.failed(T0.plus(Duration.ofMinutes(15)), "unreachable"))
        .isEqualTo(Report.SUMMARY);
  }

  @Test
  void aSuccess_endsTheStreak_tellsHowLongItLasted_andTheNextFailureStartsAfresh() {
    FailureStreak streak = fiveMinutesThenEveryTen();
    streak.failed(T0, "sealed");
    streak.failed(T0.plus(Duration.ofMinutes(6)), "sealed");

    FailureStreak.Ended ended = streak.succeeded(T0.plus(Duration.ofMinutes(7))).orElseThrow();

    assertThat(ended.lasted()).isEqualTo(Duration.ofMinutes(7));
    assertThat(ended.failures()).isEqualTo(2);
    assertThat(streak.lastSuccess()).contains(T0.plus(Duration.ofMinutes(7)));
    assertThat(streak.failingFor(T0.plus(Duration.ofMinutes(8)))).isZero();
    assertThat(streak.failed(T0.plus(Duration.ofMinutes(8)), "sealed")).isEqualTo(Report.NEW_CAUSE);
    assertThat(streak.succeeded(T0.plus(Duration.ofMinutes(9)))).isPresent();
    assertThat(streak.succeeded(T0.plus(Duration.ofMinutes(10)))).isEmpty();
  }

  @Test
  void nonPositiveDurations_areRefused() {
    assertThatThrownBy(() -> new FailureStreak(Duration.ZERO, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FailureStreak(Duration.ofMinutes(1), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
