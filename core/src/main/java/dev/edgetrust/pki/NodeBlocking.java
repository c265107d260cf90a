package dev.edgetrust.pki;

import java.util.Set;

/**
 * A PKI that can refuse a node's renewal credential: an optional capability of a {@link
 * PkiProvider}, offered through {@link PkiProvider#blocking()}. The built-in CA keeps a persisted
 * blocklist and signs nothing for a blocked node; Vault revokes the node's token or secret-id, or
 * disables its role. Certificates already issued are not revoked here: the caller revokes them.
 */
public interface NodeBlocking {
  /**
   * Refuses, from now on, the credential {@code node} renews or enrolls with. Blocking a blocked
   * node again is not an error.
   *
   * @throws PkiException refused if the PKI will not block this node (or lacks the credential to);
   *     unavailable if it cannot answer now
   */
  NodeCredentialChange blockNode(NodeName node) throws PkiException;

  /**
   * Undoes {@link #blockNode}: the node may enroll again. Revoked certificates stay revoked; the
   * answer's {@link NodeCredentialChange#nextStep()} says how the device re-enrolls.
   */
  NodeCredentialChange unblockNode(NodeName node) throws PkiException;

  /**
   * Every node {@link #blockNode} was called for and that is not unblocked since, as the PKI keeps
   * them (so that every CloudHub replica, and a CloudHub after a restart, refuses them by name).
   */
  Set<NodeName> blockedNodes() throws PkiException;
}
