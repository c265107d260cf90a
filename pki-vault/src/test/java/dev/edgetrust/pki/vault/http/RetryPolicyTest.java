package dev.edgetrust.pki.vault.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1));

  @Test
  void nominalDelay_doubles_thenStaysAtTheCap() {
    assertThat(policy.nominalDelay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.nominalDelay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.nominalDelay(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.nominalDelay(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.nominalDelay(60)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitteredDelay_staysWithinHalfToFullNominal_andVaries() {
    RandomGenerator random = new SplittableRandom(42);
    long distinct =
        java.util.stream.IntStream.range(0, 200)
            .mapToObj(i -> policy.delay(3, random))
            .peek(d -> assertThat(d).isBetween(Duration.ofMillis(200), Duration.ofMillis(400)))
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(100);
  }

  @Test
  void invalidSettings_areRefusedWithTheReason() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .hasMessage("maxAttempts must be at least 1, was 0");
    assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("maxDelay (PT1S) is shorter than initialDelay (PT2S)");
  }
}
