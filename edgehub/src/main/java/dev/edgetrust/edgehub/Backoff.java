package dev.edgetrust.edgehub;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with full jitter: the n-th retry waits a uniformly random time in
 * {@code [0, min(cap, base * 2^n)]}. The jitter keeps a fleet of edge nodes that lost the
 * CloudHub at the same moment from coming back at the same moment.
 *
 * <p>Not thread-safe: each retry loop owns one.
 */
public final class Backoff {
  public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(60);

  private final long baseMillis;
  private final long capMillis;
  private final RandomGenerator random;
  private int attempts;

  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.random = Objects.requireNonNull(random, "random");
    if (baseMillis <= 0 || capMillis < baseMillis) {
      throw new IllegalArgumentException("need 0 < base <= cap, was base " + base + ", cap " + cap);
    }
  }

  /** 1 s doubling up to 60 s. */
  public static Backoff standard() {
    return new Backoff(DEFAULT_BASE, DEFAULT_CAP, RandomGenerator.getDefault());
  }

  /** The upper bound of the wait before retry number {@code attempt} (0-based). */
  public Duration ceiling(int attempt) {
    // Beyond 2^30 the cap has long been reached; stop shifting before it overflows.
    long ceiling = attempt >= 30 ? capMillis : Math.min(capMillis, baseMillis << attempt);
    return Duration.ofMillis(ceiling);
  }

  /** How long to wait before the next retry; each call counts one more failure. */
  public Duration next() {
    long ceiling = ceiling(attempts).toMillis();
    if (attempts < Integer.MAX_VALUE) {
      attempts++;
    }
    return Duration.ofMillis(random.nextLong(ceiling + 1));
  }

  /**
   * Like {@link #next()}, but not sooner than {@code notBefore} (a server's {@code Retry-After}),
   * which is itself held to the cap: a server cannot park a node for longer than the backoff would
   * at its slowest.
   */
  public Duration next(Optional<Duration> notBefore) {
    Duration jittered = next();
    if (notBefore.isEmpty()) {
      return jittered;
    }
    long floor = Math.min(capMillis, Math.max(0, notBefore.get().toMillis()));
    return Duration.ofMillis(Math.max(floor, jittered.toMillis()));
  }

  /** After a success: the next failure waits at most {@code base} again. */
  public void reset() {
    attempts = 0;
  }

  public int attempts() {
    return attempts;
  }
}
