package dev.edgetrust.edgehub;

import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.enrollment.CertificateIssuer;
import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import dev.edgetrust.edgehub.enrollment.RenewalWindow;
import dev.edgetrust.retry.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When to renew a certificate, and when to warn that it has not been: a random point of the {@link
 * RenewalWindow}, moved earlier when it would not leave room for two full-timeout tries before
 * {@code notAfter}, and never sooner than a tenth of the lifetime for a certificate that is due the
 * moment it arrives (a clock ahead of the CA's). Says what it planned in one line per certificate.
 *
 * <p>Apart from the {@link CredentialLifecycle}, which runs the plan on its thread, because none of
 * this needs the thread. Used on the credential thread only (the random generator is not shared).
 */
final class RenewalPlanner {
  /** The EdgeHub's logger: operators' log settings (and the tests) name it, not the parts. */
  private static final Logger log = LoggerFactory.getLogger(EdgeHub.class);

  /**
   * @param renewAt when to renew; empty with rotation off
   * @param warnAt when the certificate is down to its last tenth
   */
  record Plan(Optional<Instant> renewAt, Instant warnAt) {}

  private final EdgeHubSettings settings;
  private final RenewalWindow window;
  private final CertificateIssuer issuer;
  private final RandomGenerator random;

  RenewalPlanner(
      EdgeHubSettings settings,
      RenewalWindow window,
      CertificateIssuer issuer,
      RandomGenerator random) {
    this.settings = settings;
    this.window = window;
    this.issuer = issuer;
    this.random = random;
  }

  /**
   * Plans {@code planned}'s renewal and says so in one line: serial, expiry, time left, next
   * renewal.
   *
   * @param justIssued whether the issuer has just handed it over (not read from disk)
   */
  Plan plan(NodeCredentials planned, boolean justIssued, Instant now) {
    Instant start = issuer.lifetimeStart(planned.held());
    Instant notAfter = planned.held().notAfter();
    Optional<Instant> at =
        settings.rotateCertificates()
            ? Optional.of(
                leavingRoomForRetries(window.pick(start, notAfter, random), start, notAfter))
            : Optional.empty();
    if (at.isPresent()) {
      Duration floor = minimumRenewalDelay(start, notAfter);
      if (justIssued && Duration.between(now, at.get()).compareTo(floor) < 0) {
        // A certificate that is due for renewal the moment it arrives: this node's clock is ahead
        // of the CA's by most of a lifetime. Renewing at once would only fetch another one just
        // like it, in a loop; wait a tenth of its lifetime instead.
        log.warn(
            "node {}: certificate serial {} (valid {} to {}) is due for renewal as soon as it was issued, by"
                + " this node's clock ({}): the clock is probably ahead of the CA's; renewing in {} s instead of at once",
            settings.nodeName(),
            planned.held().serialHex(),
            planned.held().notBefore(),
            notAfter,
            now,
            floor.toSeconds());
        at = Optional.of(now.plus(floor));
      }
    }
    log.info(
        "node {}: certificate serial {} valid until {} ({} left); {}",
        settings.nodeName(),
        planned.held().serialHex(),
        notAfter,
        remaining(Duration.between(now, notAfter)),
        at.isEmpty()
            ? "renewal is off (rotateCertificates: false)"
            : "next renewal at " + at.get());
    long lifetime = Math.max(0, Duration.between(start, notAfter).toMillis());
    return new Plan(at, start.plusMillis(lifetime - lifetime / 10));
  }

  /** A tenth of the lifetime, at least a second: how soon a fresh certificate may be renewed. */
  static Duration minimumRenewalDelay(Instant notBefore, Instant notAfter) {
    Duration tenth = Duration.between(notBefore, notAfter).dividedBy(10);
    return tenth.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : tenth;
  }

  /**
   * {@code picked}, or earlier if a renewal then would not leave room for two tries of a full
   * timeout before {@code notAfter}: a slow PKI (each answer taking most of the timeout) must still
   * renew a short certificate before it expires. Never before half of the lifetime, so a
   * certificate shorter than two timeouts is not renewed in a loop.
   */
  private Instant leavingRoomForRetries(Instant picked, Instant start, Instant notAfter) {
    Instant latest = Backoff.latestStart(notAfter, settings.websocket().handshakeTimeout(), 2);
    if (!picked.isAfter(latest)) {
      return picked;
    }
    Instant half = start.plus(Duration.between(start, notAfter).dividedBy(2));
    Instant bound = latest.isAfter(half) ? latest : half;
    return picked.isBefore(bound) ? picked : bound;
  }

  /** {@code 29d 23h}, {@code 5h 12m}, {@code 42s}: what an operator reads at a glance. */
  static String remaining(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return "none";
    }
    if (d.toDays() > 0) {
      return d.toDays() + "d " + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h " + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
    return Math.max(1, d.toSeconds()) + "s";
  }
}
