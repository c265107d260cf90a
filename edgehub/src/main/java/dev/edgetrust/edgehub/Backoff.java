package dev.edgetrust.edgehub;

import dev.edgetrust.retry.Backoff.Jitter;
import dev.edgetrust.retry.Backoff.Retries;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The edge's reconnect and renewal backoff: core's {@link dev.edgetrust.retry.Backoff} with full
 * jitter, the n-th retry waiting a uniformly random time in {@code [0, min(cap, base * 2^n)]}. The
 * full spread keeps a fleet of edge nodes that lost the CloudHub at the same moment from coming
 * back at the same moment.
 *
 * <p>Not thread-safe: each retry loop owns one.
 */
public final class Backoff {
  public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(60);

  private final dev.edgetrust.retry.Backoff policy;
  private final Retries retries;

  /**
   * @throws IllegalArgumentException unless {@code 0 < base <= cap}
   */
  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("need 0 < base <= cap, was base " + base + ", cap " + cap);
    }
    this.policy = new dev.edgetrust.retry.Backoff(base, cap, Jitter.FULL);
    this.retries = policy.start(random);
  }

  /** 1 s doubling up to 60 s. */
  public static Backoff standard() {
    return new Backoff(DEFAULT_BASE, DEFAULT_CAP, RandomGenerator.getDefault());
  }

  /** The upper bound of the wait before retry number {@code attempt} (0-based). */
  public Duration ceiling(int attempt) {
    return policy.ceiling(attempt);
  }

  /** How long to wait before the next retry; each call counts one more failure. */
  public Duration next() {
    return retries.next();
  }

  /**
   * Like {@link #next()}, but not sooner than {@code notBefore} (a server's {@code Retry-After}),
   * held to the cap.
   */
  public Duration next(Optional<Duration> notBefore) {
    return retries.next(notBefore);
  }

  /** After a success: the next failure waits at most {@code base} again. */
  public void reset() {
    retries.reset();
  }

  public int attempts() {
    return retries.retries();
  }
}
