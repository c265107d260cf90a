package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.x509.HeldCertificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a node's certificates come from: the CloudHub's KubeEdge bootstrap with a join token
 * ({@link BootstrapIssuer}, the default), or a PKI the node asks itself, such as HashiCorp Vault
 * ({@link PkiIssuer}). {@link CredentialManager} decides when to call which method; an issuer makes
 * the key, obtains the certificate, checks it, and stores CA, key and certificate before it
 * returns.
 *
 * <p>Implementations are called from one thread at a time and may block.
 */
public interface CertificateIssuer {
  /**
   * A first certificate, or a new one when the current one cannot be used any more (missing,
   * expired, from another CA).
   *
   * @param why what is wrong with what is on disk, for the log line
   * @throws EnrollmentException with one actionable line; nothing is written then
   */
  NodeCredentials enroll(String why) throws EnrollmentException;

  /**
   * A new certificate to replace {@code current}, which is still valid.
   *
   * @throws EnrollmentException with one actionable line; the current files are untouched then
   */
  NodeCredentials renew(NodeCredentials current) throws EnrollmentException;

  /**
   * {@link #renew(NodeCredentials)} within {@code timeout} per request, shorter than usual as the
   * current certificate nears its end. An issuer whose requests this node cannot time (a PKI
   * provider that keeps its own timeouts) renews as usual.
   */
  default NodeCredentials renew(NodeCredentials current, Duration timeout)
      throws EnrollmentException {
    return renew(current);
  }

  /**
   * Whether a refusal may go away without a restart, so that the EdgeHub keeps trying instead of
   * stopping at start: a token file an operator may replace, a PKI credential read on every use.
   */
  boolean mayRecover();

  /** How often to try again after a refusal; empty: with the usual capped backoff. */
  default Optional<Duration> refusalRetry() {
    return Optional.empty();
  }

  /**
   * Where the certificate's lifetime starts for picking its renewal time. A PKI that backdates
   * {@code notBefore} for clock skew (Vault, by 30 s) would otherwise make a short certificate
   * renew almost at once.
   */
  default Instant lifetimeStart(HeldCertificate held) {
    return held.notBefore();
  }

  /** Where certificates come from, for the start-up log line. */
  String description();
}
