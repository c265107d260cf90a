package dev.edgetrust.cloudhub.bootstrap;

import dev.edgetrust.cloudhub.config.BootstrapRateLimit;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The bootstrap port's two buckets per address: every request, and token enrollments (the only
 * requests that create a node name) on top of that, more tightly. Shared by every connection.
 *
 * @param requests every request on the port
 * @param enrollments requests that carry a join token
 */
public record BootstrapRateLimiters(AddressRateLimiter requests, AddressRateLimiter enrollments) {
  public BootstrapRateLimiters {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(enrollments, "enrollments");
  }

  public static BootstrapRateLimiters of(BootstrapRateLimit limit, LongSupplier nanoTime) {
    return new BootstrapRateLimiters(
        new AddressRateLimiter(
            limit.perAddressQps(), limit.burst(), limit.maxAddresses(), nanoTime),
        new AddressRateLimiter(
            limit.enrollmentsPerMinute() / 60.0,
            limit.enrollmentBurst(),
            limit.maxAddresses(),
            nanoTime));
  }
}
