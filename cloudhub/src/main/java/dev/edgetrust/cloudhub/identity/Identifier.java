package dev.edgetrust.cloudhub.identity;

import java.security.cert.X509Certificate;

/**
 * Tells which node a client certificate (already chain-checked by TLS) speaks for. Implemented by
 * the CloudHub's access policy, the one judge; asked at the WebSocket upgrade and by {@code
 * /edge.crt} renewals.
 */
@FunctionalInterface
public interface Identifier {
  /** Only certificates that name their node: what the CloudHub does outside migration mode. */
  Identifier BY_NAME = (certificate, claimed) -> Identification.byName(certificate);

  /**
   * @param claimed the node the request names ({@code node_id}, {@code NodeName}): for a legacy
   *     certificate the node it is bound to on first use; for any other, only compared by the
   *     caller
   */
  Identification identify(X509Certificate certificate, String claimed);
}
