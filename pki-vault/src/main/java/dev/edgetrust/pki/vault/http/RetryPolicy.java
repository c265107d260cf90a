package dev.edgetrust.pki.vault.http;

import dev.edgetrust.retry.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently to ask Vault again when it could not answer (429, 5xx, connection
 * errors and timeouts). Never used for other 4xx: Vault has answered, and asking again unchanged
 * gets the same answer.
 *
 * <p>The delay before retry {@code n} (1-based) is drawn uniformly from [½·d, d] where {@code d =
 * min(maxDelay, initialDelay·2^(n-1))}: exponential so a struggling Vault is not hammered, capped
 * so recovery is noticed soon, and jittered so a fleet of nodes does not retry in lockstep after a
 * Vault restart.
 *
 * @param maxAttempts attempts in all, including the first (1 = never retry)
 * @param initialDelay the nominal delay before the first retry
 * @param maxDelay the cap on any one delay
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
  /** Four attempts, 200 ms doubling to at most 5 s: about 1.5 s of patience in all. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));

  /** Ask once; report the first failure. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (initialDelay.isNegative() || maxDelay.isNegative()) {
      throw new IllegalArgumentException("retry delays must not be negative");
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay (" + maxDelay + ") is shorter than initialDelay (" + initialDelay + ")");
    }
  }

  /** The nominal (un-jittered) delay before retry number {@code retry} (1-based). */
  public Duration nominalDelay(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1, was " + retry);
    }
    return backoff().ceiling(retry - 1);
  }

  /** The jittered delay before retry number {@code retry}: uniform in [½·nominal, nominal]. */
  public Duration delay(int retry, RandomGenerator random) {
    nominalDelay(retry);
    return backoff().delay(retry - 1, random);
  }

  /** The shared capped exponential backoff these delays are drawn from. */
  public Backoff backoff() {
    return new Backoff(initialDelay, maxDelay, Backoff.Jitter.EQUAL);
  }
}
