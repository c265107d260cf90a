package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.SerialNumbers;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The node-facing TLS trust manager's second half: after the chain validated, the {@link
 * AccessPolicy} decides; a refusal is audited and fails the handshake, an accepted node serial goes
 * into the inventory (what a later block revokes).
 */
final class HandshakeAdmission implements RevocationTrustManager.HandshakeCheck {
  private final AccessPolicy policy;
  private final AuditLog audit;
  private final NodeInventory inventory;

  HandshakeAdmission(AccessPolicy policy, AuditLog audit, NodeInventory inventory) {
    this.policy = policy;
    this.audit = audit;
    this.inventory = inventory;
  }

  /** Chains to {@code anchors}, then this check. */
  X509ExtendedTrustManager trustManager(List<X509Certificate> anchors) {
    return RevocationTrustManager.create(anchors, this);
  }

  @Override
  public void check(X509Certificate leaf, String peer) throws CertificateException {
    Optional<NodeName> node = AccessPolicy.nodeOf(leaf);
    Optional<Refusal> refusal = policy.check(leaf);
    if (refusal.isPresent()) {
      audit.record(
          node.map(n -> "node:" + n).orElse("cert:" + leaf.getSubjectX500Principal().getName())
              + " serial "
              + SerialNumbers.toColonHex(leaf.getSerialNumber())
              + " from "
              + peer,
          "refuse-handshake",
          node.orElse(null),
          "refused",
          refusal.get().message());
      // Typed, so that the handshake logger counts it as revoked/blocked, not as a chain failure.
      throw new RefusedCertificateException(refusal.get().reason(), refusal.get().message());
    }
    node.ifPresent(n -> inventory.record(n, leaf, "seen"));
  }
}
