package dev.edgetrust.edgehub.enrollment;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When in its lifetime a certificate is renewed: a uniformly random point between {@code from} and
 * {@code to} of the way from notBefore to notAfter (70% to 90% by default). Random, so that nodes
 * enrolled together do not all renew together; early enough to leave time for retries.
 */
public record RenewalWindow(double from, double to) {
  public static final RenewalWindow DEFAULT = new RenewalWindow(0.7, 0.9);

  public RenewalWindow {
    if (!(from >= 0 && from <= to && to <= 1)) {
      throw new IllegalArgumentException(
          "need 0 <= from <= to <= 1, was from " + from + ", to " + to);
    }
  }

  /** The renewal time for a certificate valid from {@code notBefore} to {@code notAfter}. */
  public Instant pick(Instant notBefore, Instant notAfter, RandomGenerator random) {
    long lifetime = Math.max(0, Duration.between(notBefore, notAfter).toMillis());
    double fraction = from == to ? from : from + random.nextDouble() * (to - from);
    return notBefore.plusMillis((long) Math.floor(lifetime * fraction));
  }
}
