package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.config.MigrationSettings;
import dev.edgetrust.cloudhub.identity.Identification;
import dev.edgetrust.cloudhub.identity.Identifier;
import dev.edgetrust.cloudhub.identity.IdentitySource;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.x509.SerialNumbers;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that decides whether a node is blocked, a serial revoked, a certificate admitted:
 * asked at every TLS handshake, at every WebSocket upgrade, of every live session after a refresh,
 * and by {@code /edge.crt} before it signs for a node.
 *
 * <p>It joins what the PKI holds (its revocation list and blocklist, read by the {@link
 * RevocationRefresher}, with blocks made here applied at once) and what the CloudHub holds itself
 * for a PKI that cannot ({@link LocalAccessList}). The PKI's state is one immutable snapshot behind
 * a volatile reference: handshakes read it without a lock, the refresher replaces it whole.
 *
 * <p>It also says which node a certificate speaks for ({@link #identify}): the one it names or, in
 * migration mode, the one a certificate cloudcore issued was bound to on first use.
 */
public final class AccessPolicy implements Identifier {
  /**
   * @param list the last good revocation list ({@code null} until one was fetched)
   * @param blocked the nodes refused by name
   * @param revokedHere serials revoked through this CloudHub since the last refresh
   * @param lastFailure why the last refresh failed, or {@code null} if it succeeded
   * @param origin where {@code list} came from ({@code null} with it)
   */
  private record Snapshot(
      RevocationList list,
      Set<NodeName> blocked,
      Set<BigInteger> revokedHere,
      String lastFailure,
      Origin origin) {}

  /**
   * Where the list in force came from: read from the PKI at {@code at}, or from the file the last
   * good state was kept in, saved at {@code at} (the PKI could not be read since the start).
   */
  private record Origin(Optional<Path> file, Instant at) {}

  private final boolean failClosed;
  private final Clock clock;
  private final LocalAccessList local;
  private final Optional<MigrationSettings> migration;
  private final LegacyBindings legacy;
  private final NodeInventory inventory;
  private final AuditLog audit;
  private volatile Snapshot snapshot =
      new Snapshot(null, Set.of(), Set.of(), "no revocation list fetched yet", null);

  AccessPolicy(
      boolean failClosed,
      Clock clock,
      LocalAccessList local,
      Optional<MigrationSettings> migration,
      LegacyBindings legacy,
      NodeInventory inventory,
      AuditLog audit) {
    this.failClosed = failClosed;
    this.clock = clock;
    this.local = local;
    this.migration = migration;
    this.legacy = legacy;
    this.inventory = inventory;
    this.audit = audit;
  }

  /**
   * Why {@code certificate} must be refused now, or empty if it may be used. Chain and validity are
   * checked elsewhere (the TLS trust manager); this adds the blocklist, the revocation list and,
   * when configured, failing closed on a list that is past its nextUpdate.
   */
  public Optional<String> refusal(X509Certificate certificate) {
    return check(certificate).map(Refusal::message);
  }

  /** As {@link #refusal}, with the kind of refusal for metrics. */
  public Optional<Refusal> check(X509Certificate certificate) {
    Snapshot s = snapshot;
    Optional<NodeName> node =
        nodeOf(certificate)
            .or(() -> legacy.of(certificate.getSerialNumber()).map(LegacyBindings.Binding::node));
    if (node.isPresent() && isBlocked(s, node.get())) {
      return Optional.of(blocked(node.get()));
    }
    Optional<Refusal> ended = migrationEnded(certificate, node);
    if (ended.isPresent()) {
      return ended;
    }
    BigInteger serial = certificate.getSerialNumber();
    if (isRevoked(s, serial)) {
      return Optional.of(
          new Refusal(
              RefusalReason.REVOKED,
              "certificate serial "
                  + SerialNumbers.toColonHex(certificate.getSerialNumber())
                  + node.map(n -> " of node " + n).orElse("")
                  + " is revoked"));
    }
    return failingClosed(s).map(why -> new Refusal(RefusalReason.REVOCATION_UNAVAILABLE, why));
  }

  @Override
  public Identification identify(X509Certificate certificate, String claimed) {
    if (NodeName.isNodeSubject(certificate.getSubjectX500Principal()) || migration.isEmpty()) {
      return Identification.byName(certificate);
    }
    if (!isLegacyClientCertificate(certificate)) {
      return refused(
          RefusalReason.NOT_A_NODE,
          "client certificate names no node and is not a client-only certificate as cloudcore"
              + " issues them");
    }
    BigInteger serial = certificate.getSerialNumber();
    String serialHex = SerialNumbers.toColonHex(serial);
    Optional<LegacyBindings.Binding> bound = legacy.of(serial);
    Optional<Refusal> ended =
        migrationEnded(
            certificate, bound.map(LegacyBindings.Binding::node).or(() -> name(claimed)));
    if (ended.isPresent()) {
      return new Identification.Refused(ended.get());
    }
    if (bound.isPresent()) {
      NodeName node = bound.get().node();
      if (claimed != null && !claimed.equals(node.value())) {
        return refused(
            RefusalReason.NODE_MISMATCH,
            "cloudcore certificate serial "
                + serialHex
                + " is bound to node '"
                + node
                + "' since "
                + bound.get().boundAt()
                + "; it cannot speak for node '"
                + NodeName.printable(claimed)
                + "'");
      }
      return new Identification.Node(node, IdentitySource.LEGACY_BINDING);
    }
    Optional<NodeName> node = name(claimed);
    if (node.isEmpty()) {
      return refused(
          RefusalReason.BAD_REQUEST,
          "a cloudcore certificate binds to the node in node_id/NodeName, and none valid was sent");
    }
    return bindOnFirstUse(certificate, node.get());
  }

  /**
   * Binds a cloudcore certificate not seen before to {@code node}, unless the node already speaks
   * through another certificate: another cloudcore one, or one issued here.
   */
  private synchronized Identification bindOnFirstUse(X509Certificate certificate, NodeName node) {
    BigInteger serial = certificate.getSerialNumber();
    Optional<BigInteger> other = legacy.serialOf(node).filter(o -> !o.equals(serial));
    if (other.isPresent()) {
      return refused(
          RefusalReason.NODE_IN_USE,
          "node '"
              + node
              + "' is bound to another cloudcore certificate (serial "
              + SerialNumbers.toColonHex(other.get())
              + "); to let a new one bind, reset the node: ./edgetrust node reset "
              + node
              + " --config <cloudcore.yaml>");
    }
    Instant now = clock.instant();
    Optional<NodeInventory.Entry> issuedHere =
        inventory.latest(node).filter(e -> e.notAfter().isAfter(now) && !isRevoked(e.serial()));
    if (issuedHere.isPresent()) {
      return refused(
          RefusalReason.NODE_IN_USE,
          "node '"
              + node
              + "' holds certificate serial "
              + SerialNumbers.toColonHex(issuedHere.get().serial())
              + "; a cloudcore certificate cannot take its name (reset the node to free it)");
    }
    LegacyBindings.Binding made;
    try {
      made = legacy.bind(serial, node, now);
    } catch (IOException e) {
      return refused(
          RefusalReason.OTHER, "cannot record the certificate's node: " + e.getMessage());
    }
    if (!made.node().equals(node)) {
      return refused(
          RefusalReason.NODE_MISMATCH,
          "cloudcore certificate serial "
              + SerialNumbers.toColonHex(serial)
              + " was just bound to node '"
              + made.node()
              + "'");
    }
    inventory.record(node, certificate, "cloudcore");
    audit.record(
        AuditLog.certificateId(certificate),
        "legacy-bind",
        node,
        "done",
        "cloudcore certificate bound to its node on first use (migration)");
    return new Identification.Node(node, IdentitySource.LEGACY_BINDING);
  }

  /** Why a cloudcore certificate is refused because the migration window is over, if it is. */
  private Optional<Refusal> migrationEnded(X509Certificate certificate, Optional<NodeName> node) {
    if (migration.isEmpty()
        || NodeName.isNodeSubject(certificate.getSubjectX500Principal())
        || clock.instant().isBefore(migration.get().until())) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            RefusalReason.MIGRATION_ENDED,
            "node "
                + node.map(n -> "'" + n + "'").orElse("(unbound)")
                + " presents a cloudcore certificate (serial "
                + SerialNumbers.toColonHex(certificate.getSerialNumber())
                + ") after the migration ended at "
                + migration.get().until()
                + "; re-enroll it: on the node delete its certificate and key, put a join token"
                + " (./edgetrust token --config <cloudcore.yaml>) in edgecore.yaml, restart edgecore"));
  }

  /**
   * What cloudcore issues a node: client authentication and nothing else, not a CA. The CloudHub's
   * own server certificate comes from the same CA and must never pass for a node.
   */
  private static boolean isLegacyClientCertificate(X509Certificate certificate) {
    try {
      List<String> usages = certificate.getExtendedKeyUsage();
      return certificate.getBasicConstraints() < 0
          && usages != null
          && usages.contains("1.3.6.1.5.5.7.3.2")
          && !usages.contains("1.3.6.1.5.5.7.3.1");
    } catch (java.security.cert.CertificateParsingException e) {
      return false;
    }
  }

  private static Optional<NodeName> name(String claimed) {
    try {
      return claimed == null ? Optional.empty() : Optional.of(NodeName.of(claimed));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Identification refused(RefusalReason reason, String message) {
    return new Identification.Refused(new Refusal(reason, message));
  }

  /** Whether {@code serial} is a cloudcore certificate bound to a node (for reports). */
  public boolean isLegacy(BigInteger serial) {
    return legacy.of(serial).isPresent();
  }

  /** Forgets {@code node}'s cloudcore certificate binding: an operator's reset. */
  boolean releaseLegacy(NodeName node) throws IOException {
    return legacy.release(node);
  }

  /**
   * Why {@code /edge.crt} must not sign for {@code node} now (it is blocked), if it must not. A
   * revoked certificate needs no check here: it never gets past the handshake to ask.
   */
  public Optional<Refusal> enrollment(NodeName node) {
    return isBlocked(snapshot, node) ? Optional.of(blocked(node)) : Optional.empty();
  }

  private static Refusal blocked(NodeName node) {
    return new Refusal(RefusalReason.BLOCKED, "node " + node + " is blocked");
  }

  private boolean isBlocked(Snapshot s, NodeName node) {
    return s.blocked().contains(node) || local.isBlocked(node);
  }

  private boolean isRevoked(Snapshot s, BigInteger serial) {
    return (s.list() != null && s.list().isRevoked(serial))
        || s.revokedHere().contains(serial)
        || local.isRevoked(serial);
  }

  /**
   * Why every client certificate is refused now (no current revocation list and {@code
   * failClosed}), or empty when the list in hand may be used: what readiness reports.
   */
  public Optional<String> failingClosed() {
    return failingClosed(snapshot);
  }

  private Optional<String> failingClosed(Snapshot s) {
    if (failClosed) {
      if (s.list() == null) {
        return Optional.of(
            "no revocation list could be fetched yet ("
                + s.lastFailure()
                + "); refusing client certificates until one is (revocation.failClosed)");
      }
      Instant now = clock.instant();
      if (s.list().isStaleAt(now)) {
        return Optional.of(
            "the revocation list expired at "
                + s.list().nextUpdate().orElseThrow()
                + " and could not be refreshed ("
                + s.lastFailure()
                + "); refusing client certificates (revocation.failClosed)");
      }
    }
    return Optional.empty();
  }

  /** Whether {@code node} is refused by name. */
  public boolean isBlocked(NodeName node) {
    return isBlocked(snapshot, node);
  }

  /** Every node refused by name, by the PKI or by the CloudHub itself. */
  public Set<NodeName> blockedNodes() {
    Set<NodeName> all = new HashSet<>(snapshot.blocked());
    all.addAll(local.blockedNodes());
    return Set.copyOf(all);
  }

  public boolean isRevoked(BigInteger serial) {
    return isRevoked(snapshot, serial);
  }

  /** The last good list, if any. */
  public Optional<RevocationList> list() {
    return Optional.ofNullable(snapshot.list());
  }

  /**
   * Which list is in force, where it came from and how old it is, in one line; empty before there
   * is one.
   */
  public Optional<String> listInUse() {
    Snapshot s = snapshot;
    if (s.list() == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    RevocationList list = s.list();
    String from =
        s.origin().file().isPresent()
            ? "persisted from disk ("
                + s.origin().file().get()
                + ", saved "
                + ago(s.origin().at(), now)
                + ")"
            : "fresh from the PKI (read " + ago(s.origin().at(), now) + ")";
    String issued =
        list.thisUpdate().equals(Instant.EPOCH)
            ? "the PKI publishes none"
            : "issued "
                + ago(list.thisUpdate(), now)
                + list.nextUpdate().map(t -> ", valid until " + t).orElse("");
    return Optional.of(
        "revocation list "
            + from
            + ", "
            + list.size()
            + " revoked serial(s), "
            + issued
            + (s.lastFailure() == null ? "" : "; the PKI cannot be read now: " + s.lastFailure()));
  }

  private static String ago(Instant then, Instant now) {
    return Math.max(0, Duration.between(then, now).toSeconds()) + " s ago";
  }

  /** Installs what a successful refresh fetched from the PKI. */
  synchronized void install(RevocationList list, Set<NodeName> blocked) {
    snapshot =
        new Snapshot(
            list,
            Set.copyOf(blocked),
            Set.of(),
            null,
            new Origin(Optional.empty(), clock.instant()));
  }

  /**
   * Installs the state kept on disk by an earlier run, at start and before anything is admitted, as
   * long as no refresh has installed a list yet: until the PKI answers, the CloudHub enforces what
   * it enforced before.
   */
  synchronized void installPersisted(LastGoodRevocation.Loaded kept, Path file) {
    Snapshot s = snapshot;
    if (s.list() != null) {
      return;
    }
    snapshot =
        new Snapshot(
            kept.list(),
            kept.blocked(),
            s.revokedHere(),
            s.lastFailure(),
            new Origin(Optional.of(file), kept.savedAt()));
  }

  /** Keeps the last good state and remembers why the refresh failed. */
  synchronized void refreshFailed(String why) {
    Snapshot s = snapshot;
    snapshot = new Snapshot(s.list(), s.blocked(), s.revokedHere(), why, s.origin());
  }

  /**
   * Applies a block (or unblock) made through this CloudHub at once, before the PKI's own list says
   * so; the next successful refresh replaces it with the PKI's view.
   */
  synchronized void apply(NodeName node, boolean blocked, Collection<BigInteger> revoked) {
    Snapshot s = snapshot;
    Set<NodeName> nodes = new HashSet<>(s.blocked());
    if (blocked) {
      nodes.add(node);
    } else {
      nodes.remove(node);
    }
    Set<BigInteger> here = new HashSet<>(s.revokedHere());
    here.addAll(revoked);
    snapshot =
        new Snapshot(s.list(), Set.copyOf(nodes), Set.copyOf(here), s.lastFailure(), s.origin());
  }

  static Optional<NodeName> nodeOf(X509Certificate certificate) {
    List<String> commonNames = NodeName.commonNames(certificate.getSubjectX500Principal());
    return commonNames.size() == 1 ? NodeName.fromCommonName(commonNames.get(0)) : Optional.empty();
  }
}
