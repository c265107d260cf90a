package dev.edgetrust.cloudhub.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AddressRateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private static InetSocketAddress at(String ip) {
    return new InetSocketAddress(ip, 40000);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void burstIsAllowed_thenRefusedWithTheTimeToTheNextToken() {
    AddressRateLimiter limiter = new AddressRateLimiter(2, 3, 100, now::get);

    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isTrue();
    }
    AddressRateLimiter.Decision refused = limiter.acquire(at("10.0.0.1"));

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void tokensComeBackAtTheConfiguredRate_andNeverBeyondTheBurst() {
    AddressRateLimiter limiter = new AddressRateLimiter(2, 3, 100, now::get);
    for (int i = 0; i < 3; i++) {
      limiter.acquire(at("10.0.0.1"));
    }

    advance(Duration.ofMillis(500));
    assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isTrue();
    assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isFalse();

    advance(Duration.ofHours(1));
    int allowed = 0;
    while (limiter.acquire(at("10.0.0.1")).allowed()) {
      allowed++;
    }
    assertThat(allowed).isEqualTo(3);
  }

  @Test
  void addressRefusedBurstTimesWithoutAToken_ignoresRefusals_untilATokenIsBack() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 2, 100, now::get);
    limiter.acquire(at("10.0.0.1"));
    limiter.acquire(at("10.0.0.1"));
    assertThat(limiter.ignoresRefusals(at("10.0.0.1")))
        .as("out of tokens, never refused yet")
        .isFalse();

    assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isFalse();
    assertThat(limiter.ignoresRefusals(at("10.0.0.1"))).as("one 429 ignored").isFalse();
    assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isFalse();
    assertThat(limiter.ignoresRefusals(at("10.0.0.1"))).as("burst (2) 429s ignored").isTrue();
    assertThat(limiter.ignoresRefusals(at("10.0.0.2"))).as("another address").isFalse();

    advance(Duration.ofSeconds(1));
    assertThat(limiter.ignoresRefusals(at("10.0.0.1"))).as("a token is back").isFalse();
    assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isTrue();
    assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isFalse();
    assertThat(limiter.ignoresRefusals(at("10.0.0.1")))
        .as("the count starts again after a token")
        .isFalse();
  }

  @Test
  void eachAddressHasItsOwnBucket() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 1, 100, now::get);

    assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isTrue();
    assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isFalse();
    assertThat(limiter.acquire(at("10.0.0.2")).allowed()).isTrue();
  }

  @Test
  void ipv6AddressesInOneSlash64_shareABucket() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 1, 100, now::get);

    assertThat(limiter.acquire(at("2001:db8:1:2::1")).allowed()).isTrue();
    assertThat(limiter.acquire(at("2001:db8:1:2:ffff::9")).allowed()).isFalse();
    assertThat(limiter.acquire(at("2001:db8:1:3::1")).allowed()).isTrue();
  }

  @Test
  void memoryIsBounded_leastRecentlySeenAddressIsForgotten() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 1, 3, now::get);
    for (int i = 1; i <= 1000; i++) {
      limiter.acquire(at("10.0." + (i / 256) + "." + (i % 256)));
      assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(3);
    }
    // 10.0.3.232 is among the three most recent: still limited. 10.0.0.1 was forgotten: a fresh
    // bucket, which is what it would have had by now anyway.
    assertThat(limiter.acquire(at("10.0.3.232")).allowed()).isFalse();
    assertThat(limiter.acquire(at("10.0.0.1")).allowed()).isTrue();
  }

  @Test
  void nonsenseSettings_areRefused() {
    assertThatThrownBy(() -> new AddressRateLimiter(0, 1, 1, now::get))
        .hasMessageContaining("perSecond");
    assertThatThrownBy(() -> new AddressRateLimiter(Double.NaN, 1, 1, now::get))
        .hasMessageContaining("perSecond");
    assertThatThrownBy(() -> new AddressRateLimiter(1, 0, 1, now::get))
        .hasMessageContaining("burst");
    assertThatThrownBy(() -> new AddressRateLimiter(1, 1, 0, now::get))
        .hasMessageContaining("maxAddresses");
  }
}
