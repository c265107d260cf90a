package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.pki.NodeName;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares this node's clock with the CloudHub's (its HTTP {@code Date} header) and says so when
 * they differ by more than {@link #THRESHOLD}. A node whose clock is off still gets certificates
 * (the CA backdates notBefore), but it judges their expiry and its renewal time by its own clock,
 * and an operator chasing an odd renewal should not have to guess why.
 *
 * <p>One WARN per change of the skew by more than the threshold, not one per request.
 */
final class ClockSkew {
  private static final Logger log = LoggerFactory.getLogger(ClockSkew.class);

  /** Well above the Date header's one-second resolution plus a slow reply. */
  static final Duration THRESHOLD = Duration.ofSeconds(30);

  private Duration reported = Duration.ZERO;

  /**
   * Reports the skew seen in one reply.
   *
   * @param localNow this node's clock when the reply arrived
   * @param serverNow its Date header
   */
  synchronized void report(NodeName node, String server, Instant localNow, Instant serverNow) {
    Duration skew = Duration.between(serverNow, localNow);
    if (skew.abs().compareTo(THRESHOLD) <= 0) {
      if (!reported.isZero()) {
        log.info(
            "node {}: clock now agrees with the CloudHub {} to within {} s",
            node,
            server,
            THRESHOLD.toSeconds());
        reported = Duration.ZERO;
      }
      return;
    }
    if (skew.minus(reported).abs().compareTo(THRESHOLD) <= 0) {
      return;
    }
    reported = skew;
    log.warn(
        "node {}: clock skew of about {} s vs the CloudHub {}: this node's clock is {} (local {}, CloudHub {}); "
            + "certificates still work, but their expiry and renewal are judged by the local clock: fix its time (NTP)",
        node,
        skew.abs().toSeconds(),
        server,
        skew.isNegative() ? "behind" : "ahead",
        localNow,
        serverNow);
  }
}
