package dev.edgetrust.cloudhub.events;

import dev.edgetrust.message.Message;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;

/**
 * What the CloudHub tells the rest of CloudCore. Called on I/O threads: return quickly and hand
 * longer work to an executor of your own.
 */
public interface CloudHubListener {
  /** A message from a node (keepalives and edgecore's empty goodbye are not passed on). */
  default void onMessage(NodeName node, Message message) {}

  default void onConnected(SessionInfo session) {}

  default void onDisconnected(SessionInfo session) {}

  /** The bootstrap endpoint signed a certificate for {@code node}. */
  default void onIssued(NodeName node, IssuedCertificate certificate, boolean renewal) {}
}
