package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.bootstrap.BootstrapHandler;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.cloudhub.config.MigrationSettings;
import dev.edgetrust.cloudhub.config.RevocationSettings;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.websocket.Session;
import dev.edgetrust.cloudhub.websocket.SessionRegistry;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.x509.SerialNumbers;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes may connect, and the operator's levers on it, put together and started: the {@link
 * AccessPolicy} that decides (handshake, upgrade, enrollment), the {@link RevocationRefresher} that
 * keeps it current, the {@link NodeActions} that block, unblock and reset, the inventory of serials
 * per node and the audit trail. What the CloudHub wires in and the admin API drives.
 *
 * <p>The PKI keeps the truth (revoked serials, blocked nodes) so that blocks survive restarts and
 * reach every replica; where it cannot, the CloudHub's own {@link LocalAccessList} keeps that part.
 */
public final class NodeAccess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeAccess.class);

  /** Where cloudcore certificates bound on first use are kept, beside the inventory. */
  public static final String LEGACY_BINDINGS_FILE = "legacy-bindings.json";

  private final AccessPolicy policy;
  private final SessionRegistry registry;
  private final RevocationRefresher refresher;
  private final NodeInventory inventory;
  private final AuditLog audit;
  private final HandshakeAdmission handshakes;
  private final EnrollmentAdmission enrollments;
  private final NodeActions actions;
  private final SessionCloser closer;

  private NodeAccess(
      AccessPolicy policy,
      SessionRegistry registry,
      RevocationRefresher refresher,
      NodeInventory inventory,
      AuditLog audit,
      HandshakeAdmission handshakes,
      EnrollmentAdmission enrollments,
      NodeActions actions,
      SessionCloser closer) {
    this.closer = closer;
    this.policy = policy;
    this.registry = registry;
    this.refresher = refresher;
    this.inventory = inventory;
    this.audit = audit;
    this.handshakes = handshakes;
    this.enrollments = enrollments;
    this.actions = actions;
  }

  /**
   * Reads the inventory and the CloudHub's own list, fetches the first revocation list (a failure
   * is logged and retried every interval, not fatal) and starts the refresh loop.
   *
   * @throws CloudHubException if the inventory or the CloudHub's own list exists but cannot be read
   */
  public static NodeAccess start(
      RevocationSettings settings, PkiProvider provider, SessionRegistry registry, Clock clock)
      throws CloudHubException {
    return start(settings, provider, registry, clock, HubMetrics.NONE);
  }

  /**
   * As above, reporting every revocation refresh to {@code metrics}; the revocation state kept by
   * the last run is verified against the PKI's trust anchors, if it can name them now.
   */
  public static NodeAccess start(
      RevocationSettings settings,
      PkiProvider provider,
      SessionRegistry registry,
      Clock clock,
      HubMetrics metrics)
      throws CloudHubException {
    List<X509Certificate> anchors;
    try {
      anchors = provider.trustAnchors();
    } catch (PkiException e) {
      anchors = List.of();
    }
    return start(settings, Optional.empty(), provider, registry, clock, metrics, anchors);
  }

  /**
   * As above, with the CA certificates a kept revocation list must be signed by (the CloudHub's
   * trust anchors, which it has even while its PKI is away); with {@code migration}, cloudcore's
   * node certificates are admitted too, each bound to its node on first use (kept in {@code
   * legacy-bindings.json} beside the inventory).
   */
  public static NodeAccess start(
      RevocationSettings settings,
      Optional<MigrationSettings> migration,
      PkiProvider provider,
      SessionRegistry registry,
      Clock clock,
      HubMetrics metrics,
      List<X509Certificate> anchors)
      throws CloudHubException {
    NodeInventory inventory;
    LocalAccessList local;
    LegacyBindings legacy;
    try {
      inventory = NodeInventory.load(settings.inventoryFile(), clock);
      local = LocalAccessList.load(settings.localListFile());
      legacy = LegacyBindings.load(settings.inventoryFile().resolveSibling(LEGACY_BINDINGS_FILE));
    } catch (IOException e) {
      throw new CloudHubException(e.getMessage(), e);
    }
    local
        .summary()
        .ifPresent(
            held ->
                log.info(
                    "the CloudHub refuses itself what the {} PKI cannot hold: {}",
                    provider.name(),
                    held));
    AuditLog audit = AuditLog.toFile(settings.auditFile(), clock);
    AccessPolicy policy =
        new AccessPolicy(settings.failClosed(), clock, local, migration, legacy, inventory, audit);
    SessionCloser closer = new SessionCloser(audit);
    RevocationRefresher refresher =
        new RevocationRefresher(
            provider,
            policy,
            registry,
            closer,
            settings.refreshInterval(),
            settings.failClosed(),
            clock,
            metrics,
            new LastGoodRevocation(
                settings.inventoryFile().resolveSibling(LastGoodRevocation.FILE)));
    refresher.start(anchors);
    KnownSerials known = new KnownSerials(inventory, provider);
    EnrollmentAdmission enrollments =
        new EnrollmentAdmission(policy, registry, known, inventory, audit);
    NodeActions actions =
        new NodeActions(
            provider, policy, local, refresher, registry, closer, known, enrollments, audit);
    return new NodeAccess(
        policy,
        registry,
        refresher,
        inventory,
        audit,
        new HandshakeAdmission(policy, audit, inventory),
        enrollments,
        actions,
        closer);
  }

  /**
   * The trust manager for node-facing TLS: chain to {@code anchors}, then the access policy;
   * records every node serial it accepts in the inventory and every refusal in the audit log.
   */
  public X509ExtendedTrustManager trustManager(List<X509Certificate> anchors) {
    return handshakes.trustManager(anchors);
  }

  /**
   * Why a session with {@code certificate} must not open now (revoked, blocked), if it must not.
   */
  public Optional<Refusal> admission(X509Certificate certificate) {
    return policy.check(certificate);
  }

  /**
   * Ends {@code session}, whose client certificate has expired, as every refused session is ended:
   * through the one session closer, with a notice the node can act on.
   */
  public void certificateExpired(Session session) {
    closer.close(session, SessionCloser.expired(session));
  }

  /**
   * Which node a client certificate speaks for (its name, or a cloudcore certificate's binding).
   */
  public dev.edgetrust.cloudhub.identity.Identifier identifier() {
    return policy;
  }

  /** Who {@code /edge.crt} admits: not a blocked node, and no token over a name in use. */
  public BootstrapHandler.EnrollmentGate enrollmentGate() {
    return enrollments;
  }

  /**
   * Why every client certificate is refused now for want of a current revocation list ({@code
   * revocation.failClosed}), or empty.
   */
  public Optional<String> failingClosed() {
    return policy.failingClosed();
  }

  /**
   * Which revocation list is in force, where from (fresh from the PKI, or kept on disk by the last
   * run) and how old, in one line; empty before there is one.
   */
  public Optional<String> revocationListInUse() {
    return policy.listInUse();
  }

  /** The last good revocation list, if one was fetched. */
  public Optional<RevocationList> revocationList() {
    return policy.list();
  }

  /** Records a certificate the bootstrap issued. */
  public void issued(NodeName node, IssuedCertificate certificate) {
    inventory.record(node, certificate.certificate(), "issued");
  }

  /**
   * Blocks {@code node}; see {@link NodeActions#block}.
   *
   * @param who the operator, as the audit log names them
   */
  public BlockReport block(NodeName node, String who) {
    return actions.block(node, who);
  }

  /** Unblocks {@code node}; see {@link NodeActions#unblock}. */
  public BlockReport unblock(NodeName node, String who) {
    return actions.unblock(node, who);
  }

  /** Resets {@code node} for a new device under its name; see {@link NodeActions#reset}. */
  public BlockReport reset(NodeName node, String who) {
    return actions.reset(node, who);
  }

  /** Every node connected, blocked or with a known certificate, by name. */
  public List<NodeStatus> nodes() {
    Set<NodeName> names = new TreeSet<>(inventory.nodes());
    names.addAll(policy.blockedNodes());
    registry.all().forEach(s -> names.add(s.node()));
    List<NodeStatus> out = new ArrayList<>();
    for (NodeName n : names) {
      Optional<Session> session = registry.get(n);
      boolean blocked = policy.isBlocked(n);
      if (session.isPresent()) {
        SessionInfo info = session.get().info();
        out.add(
            new NodeStatus(
                n,
                true,
                info.connectedAt(),
                info.serialHex(),
                info.certificateNotAfter(),
                blocked,
                policy.isLegacy(session.get().certificate().getSerialNumber())));
      } else {
        Optional<NodeInventory.Entry> last = inventory.latest(n);
        out.add(
            new NodeStatus(
                n,
                false,
                null,
                last.map(e -> SerialNumbers.toColonHex(e.serial())).orElse(null),
                last.map(NodeInventory.Entry::notAfter).orElse(null),
                blocked,
                last.filter(e -> policy.isLegacy(e.serial())).isPresent()));
      }
    }
    return out;
  }

  /** Reads the PKI's lists now and closes the sessions they refuse; true if they could be read. */
  public boolean refresh() {
    return refresher.refreshNow(() -> {}).fetched();
  }

  public boolean isBlocked(NodeName node) {
    return policy.isBlocked(node);
  }

  public AuditLog audit() {
    return audit;
  }

  public NodeInventory inventory() {
    return inventory;
  }

  @Override
  public void close() {
    refresher.close();
    inventory.save();
    inventory.close();
    audit.close();
  }
}
