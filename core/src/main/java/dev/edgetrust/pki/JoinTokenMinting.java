package dev.edgetrust.pki;

import java.time.Duration;

/**
 * Mints KubeEdge join tokens for the CloudHub's bootstrap: what a PKI offers through {@link
 * CloudPki#joinTokens()} when its nodes enroll at {@code /edge.crt}. The tokens are the ones {@link
 * BootstrapEnrollment#verifyJoinToken} accepts.
 */
public interface JoinTokenMinting {
  /** A shared token: any node name not in use, until it expires after {@code validity}. */
  MintedJoinToken mint(Duration validity);

  /** A token that enrolls {@code node} only, once, within {@code validity}. */
  MintedJoinToken mintFor(NodeName node, Duration validity);

  /** The CA certificate a node checks the token's hash against: for an edge bundle's {@code ca.crt}. */
  java.security.cert.X509Certificate caCertificate();
}
