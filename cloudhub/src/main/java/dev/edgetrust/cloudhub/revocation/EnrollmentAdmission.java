package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.bootstrap.BootstrapHandler;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.websocket.Session;
import dev.edgetrust.cloudhub.websocket.SessionRegistry;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.SerialNumbers;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who {@code /edge.crt} admits: not a node the {@link AccessPolicy} blocks (enrollment or renewal),
 * and not a join token taking a name that belongs to a device now (a live session, or a valid
 * certificate: answered with 409). Every refusal is audited.
 */
public final class EnrollmentAdmission implements BootstrapHandler.EnrollmentGate {
  private static final Logger log = LoggerFactory.getLogger(EnrollmentAdmission.class);

  private final AccessPolicy policy;
  private final SessionRegistry registry;
  private final KnownSerials known;
  private final NodeInventory inventory;
  private final AuditLog audit;

  /**
   * Names a token enrollment is being signed for right now: a second one for the same name waits
   * its turn and then finds the name in use, so two holders of one shared token cannot both get it.
   */
  private final Set<NodeName> enrolling = new HashSet<>();

  EnrollmentAdmission(
      AccessPolicy policy,
      SessionRegistry registry,
      KnownSerials known,
      NodeInventory inventory,
      AuditLog audit) {
    this.policy = policy;
    this.registry = registry;
    this.known = known;
    this.inventory = inventory;
    this.audit = audit;
  }

  @Override
  public Optional<String> refusal(NodeName node, boolean renewal, String who) {
    Optional<Refusal> refusal = policy.enrollment(node);
    refusal.ifPresent(
        r ->
            audit.record(
                who,
                renewal ? "refuse-renewal" : "refuse-enrollment",
                node,
                "refused",
                r.message()));
    return refusal.map(Refusal::message);
  }

  @Override
  public Optional<String> reserve(NodeName node, String who) {
    Optional<String> inUse;
    synchronized (enrolling) {
      inUse =
          enrolling.contains(node)
              ? Optional.of("node " + node + " is being enrolled by another request right now")
              : nameInUse(node);
      if (inUse.isEmpty()) {
        enrolling.add(node);
        return Optional.empty();
      }
    }
    String reason =
        inUse.get()
            + "; a join token cannot take over an enrolled node's name: if the device was "
            + "replaced or wiped, run ./edgetrust node reset "
            + node
            + " --config <cloudcore.yaml> first";
    audit.record(who, "refuse-enrollment", node, "refused", inUse.get());
    return Optional.of(reason);
  }

  @Override
  public void release(NodeName node) {
    synchronized (enrolling) {
      enrolling.remove(node);
    }
  }

  /**
   * Why {@code node}'s name belongs to a device now, if it does: a live session, or a certificate
   * that has not expired and is not revoked, as the CloudHub saw or issued it or as the PKI
   * remembers issuing it (that list is written before a certificate is handed out, while the
   * CloudHub's own inventory is written a moment later).
   */
  private Optional<String> nameInUse(NodeName node) {
    Optional<Session> live = registry.get(node).filter(Session::isOpen);
    if (live.isPresent()) {
      SessionInfo info = live.get().info();
      return Optional.of(
          "node "
              + node
              + " has a live session (from "
              + info.remote()
              + " since "
              + info.connectedAt()
              + ")");
    }
    return validCertificate(node);
  }

  /** Why {@code node} holds a certificate that has not expired and is not revoked, if it does. */
  Optional<String> validCertificate(NodeName node) {
    KnownSerials.Known serials = known.of(node);
    // The CloudHub's own inventory still decides; the PKI's list only adds to it.
    serials
        .pkiFailure()
        .ifPresent(
            why ->
                log.warn(
                    "cannot read the {} PKI's serials of node {}: {}", known.pkiName(), node, why));
    return serials.serials().stream()
        .filter(serial -> !policy.isRevoked(serial))
        .findFirst()
        .map(
            serial ->
                "node "
                    + node
                    + " holds a valid certificate (serial "
                    + SerialNumbers.toColonHex(serial)
                    + until(node, serial)
                    + ")");
  }

  private String until(NodeName node, BigInteger serial) {
    return inventory
        .latest(node)
        .filter(e -> e.serial().equals(serial))
        .map(e -> ", until " + e.notAfter())
        .orElse("");
  }
}
