package dev.edgetrust.pki;

import java.time.Duration;

/**
 * Mints KubeEdge join tokens for the CloudHub's bootstrap: what a PKI offers through {@link
 * CloudPki#joinTokens()} when its nodes enroll at {@code /edge.crt}. The tokens are the ones {@link
 * BootstrapEnrollment#verifyJoinToken} accepts.
 *
 * <p>Minting may need the PKI: a token carries the hash of the CA certificate, which an external
 * PKI (CFSSL) is asked for, so these throw {@link PkiException} (unavailable) when it cannot be
 * reached.
 */
public interface JoinTokenMinting {
  /** A shared token: any node name not in use, until it expires after {@code validity}. */
  MintedJoinToken mint(Duration validity) throws PkiException;

  /** A token that enrolls {@code node} only, once, within {@code validity}. */
  MintedJoinToken mintFor(NodeName node, Duration validity) throws PkiException;

  /**
   * The CA certificate a node checks the token's hash against: for an edge bundle's {@code ca.crt}.
   */
  java.security.cert.X509Certificate caCertificate() throws PkiException;
}
