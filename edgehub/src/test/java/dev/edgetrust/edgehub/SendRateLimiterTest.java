package dev.edgetrust.edgehub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendRateLimiterTest {
  @Test
  void burstPasses_thenMessagesWaitForTheRate() {
    AtomicLong now = new AtomicLong();
    SendRateLimiter limiter = new SendRateLimiter(30, 60, now::get);

    for (int i = 0; i < 60; i++) {
      assertThat(limiter.tryAcquire()).isZero();
    }
    long wait = limiter.tryAcquire();
    assertThat(wait).isBetween(33_000_000L, 34_000_000L);

    now.addAndGet(wait);
    assertThat(limiter.tryAcquire()).isZero();
    now.addAndGet(10_000_000_000L);
    int passed = 0;
    while (limiter.tryAcquire() == 0) {
      passed++;
    }
    assertThat(passed).isEqualTo(60);
  }
}
