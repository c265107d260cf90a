package dev.edgetrust.cloudhub.metrics;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How close the CloudHub's server certificate is to its end, at one instant: what readiness warns
 * about and the credential reloader logs. Nodes refuse every new handshake once it has expired, so
 * the last tenth of its lifetime (the certificate agent renews at two thirds) is already trouble.
 */
public record ServerCertificateExpiry(Instant notBefore, Instant notAfter, Instant now) {
  /** What is left of the lifetime when readiness starts to warn. */
  static final double WARNING_FRACTION = 0.10;

  public static ServerCertificateExpiry of(X509Certificate certificate, Instant now) {
    return new ServerCertificateExpiry(
        certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), now);
  }

  /** What the certificate is at {@link #now()}. */
  public enum Stage {
    VALID,
    /** In the last tenth of its lifetime. */
    ENDING,
    EXPIRED
  }

  public Stage stage() {
    if (now.isAfter(notAfter)) {
      return Stage.EXPIRED;
    }
    Duration lifetime = Duration.between(notBefore, notAfter);
    Duration left = Duration.between(now, notAfter);
    return left.toMillis() < lifetime.toMillis() * WARNING_FRACTION ? Stage.ENDING : Stage.VALID;
  }

  /** The readiness warning, while the certificate is in its last tenth but not yet expired. */
  public Optional<String> warning() {
    if (stage() != Stage.ENDING) {
      return Optional.empty();
    }
    long lifetime = Math.max(1, Duration.between(notBefore, notAfter).toMillis());
    long left = Duration.between(now, notAfter).toMillis();
    return Optional.of(
        "server certificate expires at "
            + notAfter
            + " ("
            + Math.max(0, left / 1000)
            + " s left, "
            + (left * 100 / lifetime)
            + " % of its lifetime); is the certificate agent renewing it?");
  }
}
