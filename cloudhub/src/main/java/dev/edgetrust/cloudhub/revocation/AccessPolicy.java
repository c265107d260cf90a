package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.x509.SerialNumbers;
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
 */
public final class AccessPolicy {
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
  private volatile Snapshot snapshot =
      new Snapshot(null, Set.of(), Set.of(), "no revocation list fetched yet", null);

  AccessPolicy(boolean failClosed, Clock clock, LocalAccessList local) {
    this.failClosed = failClosed;
    this.clock = clock;
    this.local = local;
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
    Optional<NodeName> node = nodeOf(certificate);
    if (node.isPresent() && isBlocked(s, node.get())) {
      return Optional.of(blocked(node.get()));
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
