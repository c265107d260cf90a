package dev.edgetrust.cloudhub.config;

import static dev.edgetrust.config.Settings.positive;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code https.rateLimit}: token buckets per client address on the bootstrap port ({@code /ca.crt},
 * {@code /edge.crt}): one for every request, and a tighter one for token enrollments (a request
 * with an {@code Authorization} header), the only requests that create a name. Renewals are
 * authenticated by a valid node certificate and can only renew that node, so they share the
 * generous bucket.
 *
 * <p>On when the key is absent: without it one token holder can mint a name per request. Requests
 * as a whole are limited generously (a site behind one NAT address renews and fetches {@code
 * /ca.crt} at once after an outage); token enrollments more tightly. A refused node backs off and
 * comes again.
 *
 * @param enable whether requests are limited at all (true unless written false)
 * @param perAddressQps sustained requests a second from one address (an IPv6 /64 counts as one), 10
 * @param burst requests one address may make at once, 50
 * @param maxAddresses how many addresses are remembered at most (least recently seen forgotten),
 *     10000
 * @param enrollmentsPerMinute sustained token enrollments a minute from one address, 60
 * @param enrollmentBurst token enrollments one address may make at once, 20
 */
public record BootstrapRateLimit(
    Boolean enable,
    @JsonProperty("perAddressQPS") Double perAddressQps,
    Integer burst,
    Integer maxAddresses,
    Double enrollmentsPerMinute,
    Integer enrollmentBurst) {
  /**
   * On unless turned off: 10 requests/s (burst 50) per address, and of those 60 token enrollments a
   * minute (burst 20). The README's configuration table says why these numbers.
   */
  public static final BootstrapRateLimit DEFAULT = new BootstrapRateLimit(10, 50, 10_000, 60, 20);

  /** No limit (only for tests and benchmarks that flood from one address on purpose). */
  static final BootstrapRateLimit OFF = new BootstrapRateLimit(false, null, null, null, null, null);

  public BootstrapRateLimit {
    enable = enable == null || enable;
    perAddressQps = perAddressQps == null ? 10 : perAddressQps;
    if (!(perAddressQps > 0) || perAddressQps > 1_000_000) {
      throw new IllegalArgumentException(
          "'perAddressQPS' must be a number of requests a second above 0 (and at most 1000000), was "
              + perAddressQps);
    }
    enrollmentsPerMinute = enrollmentsPerMinute == null ? 60 : enrollmentsPerMinute;
    if (!(enrollmentsPerMinute > 0) || enrollmentsPerMinute > 60_000_000) {
      throw new IllegalArgumentException(
          "'enrollmentsPerMinute' must be a number of token enrollments a minute above 0 (and at most 60000000), was "
              + enrollmentsPerMinute);
    }
    burst = positive("burst", burst, 50);
    maxAddresses = positive("maxAddresses", maxAddresses, 10_000);
    enrollmentBurst = positive("enrollmentBurst", enrollmentBurst, 20);
  }

  /** On, with these values. */
  public BootstrapRateLimit(
      double perAddressQps,
      int burst,
      int maxAddresses,
      double enrollmentsPerMinute,
      int enrollmentBurst) {
    this(true, perAddressQps, burst, maxAddresses, enrollmentsPerMinute, enrollmentBurst);
  }

  /** One bucket for every request: enrollments are held to the same rate, no tighter. */
  public BootstrapRateLimit(double perAddressQps, int burst, int maxAddresses) {
    this(perAddressQps, burst, maxAddresses, perAddressQps * 60, burst);
  }
}
