package dev.edgetrust.edgehub;

import java.util.function.LongSupplier;

/**
 * KubeEdge's {@code messageQPS}/{@code messageBurst}: a token bucket holding up to {@code burst}
 * messages, refilled at {@code perSecond}. Keepalives do not pass through it.
 *
 * <p>Confined to the EdgeHub's event loop.
 */
final class SendRateLimiter {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  SendRateLimiter(int perSecond, int burst, LongSupplier nanoTime) {
    if (perSecond <= 0 || burst <= 0) {
      throw new IllegalArgumentException("perSecond and burst must be greater than 0");
    }
    this.perNano = perSecond / (double) NANOS_PER_SECOND;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Takes one token and returns 0, or returns how many nanoseconds until one is available. */
  long tryAcquire() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) / perNano);
  }
}
