package dev.edgetrust.pki;

import java.security.cert.X509Certificate;

/**
 * What a provider offers nodes that enroll through the CloudHub's KubeEdge-compatible HTTPS
 * bootstrap endpoints ({@code /ca.crt}, {@code /edge.crt}). Only the built-in CA does; with an
 * external PKI nodes enroll with the PKI itself.
 */
public interface BootstrapEnrollment {
  /** The CA certificate served at {@code /ca.crt} and hashed into join tokens. */
  X509Certificate caCertificate();

  /**
   * Checks the JWT part of a join token (the part after the CA hash).
   *
   * @throws PkiException (not retryable) naming why the token is not accepted
   */
  void verifyJoinToken(String jwt) throws PkiException;
}
