package dev.edgetrust.pki;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * What a provider offers nodes that enroll through the CloudHub's KubeEdge-compatible HTTPS
 * bootstrap endpoints ({@code /ca.crt}, {@code /edge.crt}). Only the built-in CA does; with an
 * external PKI nodes enroll with the PKI itself.
 *
 * <p>Checking a token and using it up are two calls on purpose: the CloudHub decides in between
 * whether the node may enroll at all (blocked, name in use), and a token refused for those reasons
 * is not spent. Where used tokens are kept is the provider's business (the built-in CA: a file in
 * its state directory), so that a shared store can replace it without touching the CloudHub.
 */
public interface BootstrapEnrollment {
  /** The CA certificate served at {@code /ca.crt} and hashed into join tokens. */
  X509Certificate caCertificate();

  /**
   * Checks the JWT part of a join token (the part after the CA hash): signature, algorithm, expiry.
   * Does not look at whether a node-bound token was used already: {@link #joinTokenUse} says.
   *
   * @return what the token allows
   * @throws PkiException (not retryable) naming why the token is not accepted
   */
  JoinTokenClaims verifyJoinToken(String jwt) throws PkiException;

  /**
   * Checks a join token as cloudcore mints them (HS256 keyed with the raw DER bytes of the CA's
   * private key, claim {@code exp} only): what a CloudHub taking over a cloudcore fleet accepts in
   * migration mode. Only a provider that holds the CA key can; the others refuse.
   *
   * @throws PkiException (not retryable) naming why the token is not accepted
   */
  default JoinTokenClaims verifyCloudcoreJoinToken(String jwt) throws PkiException {
    throw PkiException.refused(
        "this PKI does not hold the CA key, so cloudcore's join tokens cannot be checked");
  }

  /** The use of {@code token}, if it was used already: a cheap look, before anything is decided. */
  Optional<JoinTokenUse> joinTokenUse(JoinTokenClaims.NodeBound token);

  /**
   * Records that {@code token} has been used, durably (on disk, or wherever the provider keeps it)
   * before returning: the caller hands out a certificate only after this returns, so that a crash
   * can never let one token enroll twice.
   *
   * @throws PkiException refused (not retryable) if the token was used already (a request that
   *     raced another with the same token), with {@link JoinTokenUse#refusal()}; unavailable
   *     (retryable) if the use cannot be recorded now, in which case the token stays unused
   */
  void consumeJoinToken(JoinTokenClaims.NodeBound token) throws PkiException;
}
