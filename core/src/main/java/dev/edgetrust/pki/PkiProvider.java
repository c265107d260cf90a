package dev.edgetrust.pki;

import dev.edgetrust.revocation.RevocationList;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A certificate authority edgetrust can use: the seam between the CloudHub/EdgeHub and whoever
 * signs their certificates (the built-in CA, HashiCorp Vault, ...).
 *
 * <p>Keys are generated where they are used; only CSRs reach a provider.
 */
public interface PkiProvider extends AutoCloseable {
  /** A short name for logs and the CLI: {@code builtin}, {@code vault}, ... */
  String name();

  /**
   * Signs {@code request}, with the subject, usages and names it carries (not the CSR's own).
   *
   * @throws PkiException if the PKI refuses or cannot be reached
   */
  IssuedCertificate sign(SigningRequest request) throws PkiException;

  /** The CA certificates a peer's chain must lead to. */
  List<X509Certificate> trustAnchors() throws PkiException;

  /** The KubeEdge bootstrap this provider supports, if it supports one. */
  default Optional<BootstrapEnrollment> bootstrap() {
    return Optional.empty();
  }

  /**
   * Revokes the certificate with {@code serial}: it is in every {@link #revocationList()} from
   * now on. Revoking a serial twice is not an error.
   *
   * @return when the PKI recorded the revocation
   * @throws PkiException refused if this PKI cannot revoke; unavailable if it cannot answer now
   */
  default Instant revoke(BigInteger serial) throws PkiException {
    throw PkiException.refused("the " + name() + " PKI cannot revoke certificates");
  }

  /**
   * Revokes every serial in {@code serials}, each as {@link #revoke} would. The default revokes
   * them one by one; a PKI that re-signs and publishes its whole list for every revocation
   * overrides this to publish once, because a block revokes all of a node's serials together and
   * a list of 100,000 entries takes about a second to sign and write.
   *
   * @return the serials that could not be revoked, each with why; empty when all were
   */
  default Map<BigInteger, PkiException> revokeAll(Collection<BigInteger> serials) {
    Map<BigInteger, PkiException> failed = new LinkedHashMap<>();
    for (BigInteger serial : serials) {
      try {
        revoke(serial);
      } catch (PkiException e) {
        failed.put(serial, e);
      }
    }
    return failed;
  }

  /**
   * The PKI's current revocation list, its signature already checked against the CA. A provider
   * that overrides {@link #revoke} must override this too.
   *
   * <p>The default is the empty list with no due date: a PKI that cannot revoke has revoked
   * nothing, and a CloudHub on it must not fail closed for want of a list.
   *
   * @throws PkiException refused if the list is not acceptable (bad signature); unavailable if it
   *     cannot be fetched now (the caller keeps its last good list)
   */
  default RevocationList revocationList() throws PkiException {
    return RevocationList.empty();
  }

  /**
   * Refuses, from now on, the credential {@code node} renews or enrolls with (built-in CA: the
   * node joins a persisted blocklist and no certificate is signed for it; Vault: its token or
   * secret-id is revoked, or its role disabled). Certificates already issued are not revoked here;
   * the caller revokes them. Blocking a blocked node again is not an error.
   *
   * @throws PkiException refused if this PKI cannot block nodes; unavailable if it cannot answer
   */
  default NodeCredentialChange blockNode(NodeName node) throws PkiException {
    throw PkiException.refused("the " + name() + " PKI cannot block nodes");
  }

  /**
   * Undoes {@link #blockNode}: the node may enroll again. Revoked certificates stay revoked; the
   * answer's {@link NodeCredentialChange#nextStep()} says how the device re-enrolls.
   */
  default NodeCredentialChange unblockNode(NodeName node) throws PkiException {
    throw PkiException.refused("the " + name() + " PKI cannot unblock nodes");
  }

  /**
   * Every node {@link #blockNode} was called for and that is not unblocked since, as the PKI keeps
   * them (so that every CloudHub replica, and a CloudHub after a restart, refuses them by name).
   */
  default Set<NodeName> blockedNodes() throws PkiException {
    return Set.of();
  }

  /**
   * The serials of the certificates this PKI remembers issuing to {@code node} (the built-in CA
   * keeps an inventory); empty when it keeps none. Blocking revokes these as well as the ones the
   * CloudHub saw.
   */
  default Set<BigInteger> issuedSerials(NodeName node) throws PkiException {
    return Set.of();
  }

  @Override
  default void close() {}
}
