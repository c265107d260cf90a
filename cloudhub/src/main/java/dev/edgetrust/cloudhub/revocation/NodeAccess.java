package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.websocket.Session;
import dev.edgetrust.cloudhub.websocket.SessionRegistry;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeCredentialChange;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.Revocation;
import dev.edgetrust.pki.IssuedSerialInventory;
import dev.edgetrust.pki.NodeBlocking;
import dev.edgetrust.pki.SerialNumbers;
import dev.edgetrust.revocation.RevocationNotice;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes may connect, and the operator's levers on it: the revocation state checked at every
 * handshake and against every live session, the inventory of serials per node, the audit trail,
 * and {@link #block}/{@link #unblock}/{@link #nodes}.
 *
 * <p>The PKI keeps the truth (revoked serials, blocked nodes) so that blocks survive restarts and
 * reach every replica; this class reads it every refresh interval and applies a block made here at
 * once, without waiting for the next read.
 */
public final class NodeAccess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeAccess.class);

  static final String STEP_A_BLOCK = "refuse the node's renewal credential in the PKI";
  static final String STEP_B_BLOCK = "revoke every certificate serial known for the node";
  static final String STEP_C_BLOCK = "close the node's live session";
  static final String STEP_D_BLOCK = "refuse the node's future handshakes";
  static final String STEP_A_UNBLOCK = "accept the node's renewal credential in the PKI again";
  static final String STEP_D_UNBLOCK = "accept the node's handshakes again";
  static final String STEP_A_RESET = "revoke every certificate serial known for the node";
  static final String STEP_B_RESET = "close the node's live session";
  static final String STEP_C_RESET = "let one new token enrollment take the name";

  private final PkiProvider provider;
  private final SessionRegistry registry;
  private final RevocationGuard guard;
  private final RevocationRefresher refresher;
  private final NodeInventory inventory;
  private final AuditLog audit;
  /**
   * Names a token enrollment is being signed for right now: a second one for the same name waits
   * its turn and then finds the name in use, so two holders of one shared token cannot both get it.
   */
  private final Set<NodeName> enrolling = new java.util.HashSet<>();

  private NodeAccess(
      PkiProvider provider,
      SessionRegistry registry,
      RevocationGuard guard,
      RevocationRefresher refresher,
      NodeInventory inventory,
      AuditLog audit) {
    this.provider = provider;
    this.registry = registry;
    this.guard = guard;
    this.refresher = refresher;
    this.inventory = inventory;
    this.audit = audit;
  }

  /**
   * Reads the inventory, fetches the first revocation list (a failure is logged and retried every
   * interval, not fatal) and starts the refresh loop.
   *
   * @throws CloudHubException if the inventory file exists but cannot be read
   */
  public static NodeAccess start(
      CloudHubSettings.Revocation settings, PkiProvider provider, SessionRegistry registry, Clock clock)
      throws CloudHubException {
    return start(settings, provider, registry, clock, HubMetrics.NONE);
  }

  /** As above, reporting every revocation refresh to {@code metrics}. */
  public static NodeAccess start(
      CloudHubSettings.Revocation settings, PkiProvider provider, SessionRegistry registry, Clock clock,
      HubMetrics metrics)
      throws CloudHubException {
    NodeInventory inventory;
    try {
      inventory = NodeInventory.load(settings.inventoryFile(), clock);
    } catch (IOException e) {
      throw new CloudHubException(e.getMessage(), e);
    }
    AuditLog audit = AuditLog.toFile(settings.auditFile(), clock);
    RevocationGuard guard = new RevocationGuard(settings.failClosed(), clock);
    RevocationRefresher refresher =
        new RevocationRefresher(
            provider, guard, registry, audit, settings.refreshInterval(), settings.failClosed(), clock, metrics);
    refresher.start();
    return new NodeAccess(provider, registry, guard, refresher, inventory, audit);
  }

  /**
   * The trust manager for node-facing TLS: chain to {@code anchors}, then revocation and blocks;
   * records every node serial it accepts in the inventory and every refusal in the audit log.
   */
  public X509ExtendedTrustManager trustManager(List<X509Certificate> anchors) {
    return RevocationTrustManager.create(anchors, this::checkHandshake);
  }

  private void checkHandshake(X509Certificate leaf, String peer) throws CertificateException {
    Optional<NodeName> node = RevocationGuard.nodeOf(leaf);
    Optional<Refusal> refusal = guard.check(leaf);
    if (refusal.isPresent()) {
      audit.record(
          node.map(n -> "node:" + n).orElse("cert:" + leaf.getSubjectX500Principal().getName())
              + " serial " + SerialNumbers.toColonHex(leaf.getSerialNumber()) + " from " + peer,
          "refuse-handshake", node.orElse(null), "refused", refusal.get().message());
      // Typed, so that the handshake logger counts it as revoked/blocked, not as a chain failure.
      throw new RefusedCertificateException(refusal.get().reason(), refusal.get().message());
    }
    node.ifPresent(n -> inventory.record(n, leaf, "seen"));
  }

  /** Why a session with {@code certificate} must not open now, if it must not. */
  public Optional<String> sessionRefusal(X509Certificate certificate) {
    return guard.refusal(certificate);
  }

  /** As {@link #sessionRefusal}, with the kind of refusal. */
  public Optional<Refusal> admission(X509Certificate certificate) {
    return guard.check(certificate);
  }

  /**
   * Why every client certificate is refused now for want of a current revocation list ({@code
   * revocation.failClosed}), or empty.
   */
  public Optional<String> failingClosed() {
    return guard.failingClosed();
  }

  /** The last good revocation list, if one was fetched. */
  public Optional<dev.edgetrust.revocation.RevocationList> revocationList() {
    return guard.list();
  }

  /**
   * Why {@code /edge.crt} must refuse {@code node} (it is blocked), if it must; the refusal is
   * audited.
   *
   * @param who the requester as the audit log names it
   */
  public Optional<String> enrollmentRefusal(NodeName node, boolean renewal, String who) {
    if (!guard.isBlocked(node)) {
      return Optional.empty();
    }
    String reason = "node " + node + " is blocked";
    audit.record(who, renewal ? "refuse-renewal" : "refuse-enrollment", node, "refused", reason);
    return Optional.of(reason);
  }

  /**
   * Reserves {@code node} for one enrollment with a join token, or says why the name is taken (a
   * valid certificate or a live session: what a token must not take over; answered with 409). The
   * refusal is audited. A reservation must be {@link #releaseEnrollment released}, certificate or
   * not.
   *
   * @param who the requester as the audit log names it
   */
  public Optional<String> reserveEnrollment(NodeName node, String who) {
    Optional<String> inUse;
    synchronized (enrolling) {
      inUse = enrolling.contains(node)
          ? Optional.of("node " + node + " is being enrolled by another request right now")
          : nameInUse(node);
      if (inUse.isEmpty()) {
        enrolling.add(node);
        return Optional.empty();
      }
    }
    String reason = inUse.get() + "; a join token cannot take over an enrolled node's name: if the device was "
        + "replaced or wiped, run ./edgetrust node reset " + node + " --config <cloudcore.yaml> first";
    audit.record(who, "refuse-enrollment", node, "refused", inUse.get());
    return Optional.of(reason);
  }

  /** Ends a reservation made by {@link #reserveEnrollment}. */
  public void releaseEnrollment(NodeName node) {
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
      return Optional.of("node " + node + " has a live session (from " + info.remote() + " since " + info.connectedAt() + ")");
    }
    return validCertificate(node);
  }

  /** Why {@code node} holds a certificate that has not expired and is not revoked, if it does. */
  private Optional<String> validCertificate(NodeName node) {
    Set<BigInteger> serials = new TreeSet<>(inventory.serials(node));
    try {
      serials.addAll(pkiSerials(node));
    } catch (PkiException e) {
      // The CloudHub's own inventory still decides; the PKI's list only adds to it.
      log.warn("cannot read the {} PKI's serials of node {}: {}", provider.name(), node, e.getMessage());
    }
    return serials.stream()
        .filter(serial -> !guard.isRevoked(serial))
        .findFirst()
        .map(serial -> "node " + node + " holds a valid certificate (serial " + SerialNumbers.toColonHex(serial)
            + inventory.latest(node).filter(e -> e.serial().equals(serial)).map(e -> ", until " + e.notAfter()).orElse("")
            + ")");
  }

  /** The serials the PKI remembers issuing to {@code node}; none when it keeps no inventory. */
  private Set<BigInteger> pkiSerials(NodeName node) throws PkiException {
    Optional<IssuedSerialInventory> pki = provider.inventory();
    return pki.isPresent() ? pki.get().issuedSerials(node) : Set.of();
  }

  private NodeBlocking nodeBlocking() throws PkiException {
    return provider.blocking().orElseThrow(() -> PkiException.refused("the " + provider.name() + " PKI cannot block nodes"));
  }

  /** Revokes {@code serials} at the PKI; all refused, each with why, when it cannot revoke. */
  private Map<BigInteger, PkiException> revokeAtPki(List<BigInteger> serials) {
    Optional<Revocation> pki = provider.revocation();
    if (pki.isPresent()) {
      return pki.get().revokeAll(serials);
    }
    Map<BigInteger, PkiException> refused = new LinkedHashMap<>();
    PkiException cannot = PkiException.refused("the " + provider.name() + " PKI cannot revoke certificates");
    serials.forEach(serial -> refused.put(serial, cannot));
    return refused;
  }

  /** Records a certificate the bootstrap issued. */
  public void issued(NodeName node, IssuedCertificate certificate) {
    inventory.record(node, certificate.certificate(), "issued");
  }

  /**
   * Blocks {@code node}: (a) the PKI refuses its renewal credential, (b) every serial known for it
   * is revoked, (c) its live session is closed, (d) its handshakes are refused from now on. Stops
   * after (a) if the PKI refuses; carries on past a failure in (b).
   *
   * @param who the operator, as the audit log names them
   */
  public synchronized BlockReport block(NodeName node, String who) {
    List<BlockReport.Step> steps = new ArrayList<>();
    NodeCredentialChange change;
    try {
      change = nodeBlocking().blockNode(node);
    } catch (PkiException e) {
      steps.add(BlockReport.Step.failed("a", STEP_A_BLOCK, e.getMessage()));
      steps.add(BlockReport.Step.skipped("b", STEP_B_BLOCK, "not attempted: step (a) failed"));
      steps.add(BlockReport.Step.skipped("c", STEP_C_BLOCK, "not attempted: step (a) failed"));
      steps.add(BlockReport.Step.skipped("d", STEP_D_BLOCK, "not attempted: step (a) failed"));
      return finish(new BlockReport(node, "block", "failed", steps, retryHint(e)), who);
    }
    steps.add(BlockReport.Step.done("a", STEP_A_BLOCK, change.done()));

    Revocations revocations = revokeKnownSerials(node, "b", STEP_B_BLOCK);
    steps.add(revocations.step());

    // The guard refuses the node before its session is closed, or it would reconnect at once.
    RevocationRefresher.Result refreshed = refresher.refreshNow(() -> guard.apply(node, true, revocations.revoked));

    steps.add(closeSession(node, refreshed.closed(), "c", STEP_C_BLOCK, RevocationNotice.BLOCKED, "node " + node + " is blocked"));

    if (guard.isBlocked(node)) {
      steps.add(BlockReport.Step.done("d", STEP_D_BLOCK,
          "handshakes of node " + node + " are refused from now on"
              + (refreshed.fetched() ? "" : " (the PKI's lists could not be read again just now: "
                  + refreshed.failure() + "; the block is held in memory until they can)")));
    } else {
      // The PKI reported its blocklist without this node: its handshakes are refused by serial only.
      steps.add(BlockReport.Step.failed("d", STEP_D_BLOCK,
          "the " + provider.name() + " PKI does not list node " + node
              + " as blocked; only its revoked serials are refused"));
    }
    String outcome = steps.stream().allMatch(s -> s.outcome().equals("done")) ? "done" : "partial";
    return finish(new BlockReport(node, "block", outcome, steps, change.nextStep()), who);
  }

  private record Revocations(List<BigInteger> revoked, BlockReport.Step step) {}

  private Revocations revokeKnownSerials(NodeName node, String stepId, String stepTitle) {
    Set<BigInteger> known = new TreeSet<>(inventory.serials(node));
    String unknownToPki = "";
    try {
      known.addAll(pkiSerials(node));
    } catch (PkiException e) {
      unknownToPki = "; the PKI's own list of serials for the node could not be read: " + e.getMessage();
    }
    List<BigInteger> revoked = new ArrayList<>();
    List<String> already = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<BigInteger> toRevoke = new ArrayList<>();
    for (BigInteger serial : known) {
      if (guard.isRevoked(serial)) {
        already.add(SerialNumbers.toColonHex(serial));
      } else {
        toRevoke.add(serial);
      }
    }
    // Together: a PKI that re-signs its whole list per revocation then does so once per block.
    Map<BigInteger, PkiException> refused = toRevoke.isEmpty() ? Map.of() : revokeAtPki(toRevoke);
    for (BigInteger serial : toRevoke) {
      PkiException e = refused.get(serial);
      if (e == null) {
        revoked.add(serial);
      } else {
        failed.add(SerialNumbers.toColonHex(serial) + " (" + e.getMessage() + ")");
      }
    }
    StringBuilder detail = new StringBuilder();
    if (known.isEmpty()) {
      detail.append("no unexpired certificate of node ").append(node).append(" is known");
    } else {
      detail.append("revoked ").append(revoked.size()).append(revoked.size() == 1 ? " serial" : " serials");
      if (!revoked.isEmpty()) {
        detail.append(" (").append(revoked.stream().map(SerialNumbers::toColonHex).collect(Collectors.joining(", "))).append(')');
      }
      if (!already.isEmpty()) {
        detail.append("; already revoked: ").append(String.join(", ", already));
      }
      if (!failed.isEmpty()) {
        detail.append("; could not revoke: ").append(String.join(", ", failed));
      }
    }
    detail.append(unknownToPki);
    BlockReport.Step step = failed.isEmpty()
        ? BlockReport.Step.done(stepId, stepTitle, detail.toString())
        : BlockReport.Step.failed(stepId, stepTitle, detail.toString());
    return new Revocations(revoked, step);
  }

  private BlockReport.Step closeSession(
      NodeName node, List<SessionInfo> closedBySweep, String stepId, String stepTitle, RevocationNotice notice,
      String why) {
    Optional<SessionInfo> swept = closedBySweep.stream().filter(s -> s.node().equals(node)).findFirst();
    Optional<Session> live = registry.get(node);
    if (swept.isEmpty() && live.isPresent() && live.get().isOpen()) {
      live.get().close(WebSocketCloseStatus.POLICY_VIOLATION, notice.reason(why));
      audit.record("cloudhub", "close-session", node, "done", why);
      swept = Optional.of(live.get().info());
    }
    return swept
        .map(s -> BlockReport.Step.done(stepId, stepTitle,
            "closed the session from " + s.remote() + " (connected since " + s.connectedAt() + ", serial " + s.serialHex() + ")"))
        .orElseGet(() -> BlockReport.Step.done(stepId, stepTitle, "node " + node + " had no live session"));
  }

  /**
   * Resets {@code node} for a new device under its name: (a) every serial known for it is
   * revoked, (b) its live session is closed, (c) the name is free for one new token enrollment
   * (a shared token, or a new node-bound one: the first to enroll holds the name again). A block,
   * if any, stays: reset does not unblock.
   *
   * @param who the operator, as the audit log names them
   */
  public synchronized BlockReport reset(NodeName node, String who) {
    List<BlockReport.Step> steps = new ArrayList<>();
    Revocations revocations = revokeKnownSerials(node, "a", STEP_A_RESET);
    steps.add(revocations.step());
    // The guard learns the revocations before the session is closed, or it would reconnect at once.
    RevocationRefresher.Result refreshed =
        refresher.refreshNow(() -> guard.apply(node, guard.isBlocked(node), revocations.revoked));
    steps.add(closeSession(node, refreshed.closed(), "b", STEP_B_RESET, RevocationNotice.REVOKED,
        "node " + node + " is reset by an operator"));
    // The session closed in (b) may take a moment to leave the registry; certificates decide here.
    Optional<String> inUse = validCertificate(node);
    String next = "give the new device a join token (./edgetrust token --config <cloudcore.yaml> --node " + node
        + ") and let it enroll; the old certificates stay revoked";
    if (guard.isBlocked(node)) {
      steps.add(BlockReport.Step.failed("c", STEP_C_RESET,
          "node " + node + " is blocked: /edge.crt refuses it until ./edgetrust node unblock " + node));
    } else if (inUse.isPresent()) {
      steps.add(BlockReport.Step.failed("c", STEP_C_RESET, "the name is still in use: " + inUse.get()));
    } else {
      steps.add(BlockReport.Step.done("c", STEP_C_RESET,
          "node " + node + " holds no valid certificate and no session: the next token enrollment under its name is accepted"));
    }
    String outcome = steps.stream().allMatch(s -> s.outcome().equals("done")) ? "done" : "partial";
    return finish(new BlockReport(node, "reset", outcome, steps, next), who);
  }

  /**
   * Unblocks {@code node}: (a) the PKI accepts its renewal credential again, (d) its handshakes
   * are no longer refused by name. Revoked serials stay revoked: the device re-enrolls, as the
   * report's next step says.
   */
  public synchronized BlockReport unblock(NodeName node, String who) {
    List<BlockReport.Step> steps = new ArrayList<>();
    NodeCredentialChange change;
    try {
      change = nodeBlocking().unblockNode(node);
    } catch (PkiException e) {
      steps.add(BlockReport.Step.failed("a", STEP_A_UNBLOCK, e.getMessage()));
      steps.add(BlockReport.Step.skipped("d", STEP_D_UNBLOCK, "not attempted: step (a) failed"));
      return finish(new BlockReport(node, "unblock", "failed", steps, retryHint(e)), who);
    }
    steps.add(BlockReport.Step.done("a", STEP_A_UNBLOCK, change.done()));
    RevocationRefresher.Result refreshed = refresher.refreshNow(() -> guard.apply(node, false, Set.of()));
    int revoked = (int) inventory.serials(node).stream().filter(guard::isRevoked).count();
    if (guard.isBlocked(node)) {
      steps.add(BlockReport.Step.failed("d", STEP_D_UNBLOCK,
          "the " + provider.name() + " PKI still lists node " + node + " as blocked"));
    } else {
      steps.add(BlockReport.Step.done("d", STEP_D_UNBLOCK,
          "node " + node + " is no longer refused by name; its " + revoked + " revoked "
              + (revoked == 1 ? "serial stays" : "serials stay") + " revoked"
              + (refreshed.fetched() ? "" : " (the PKI's lists could not be read again just now: " + refreshed.failure() + ")")));
    }
    String outcome = steps.stream().allMatch(s -> s.outcome().equals("done")) ? "done" : "partial";
    return finish(new BlockReport(node, "unblock", outcome, steps, change.nextStep()), who);
  }

  private static String retryHint(PkiException e) {
    return e.isRetryable() ? "the PKI could not answer; try again when it is reachable" : "";
  }

  private BlockReport finish(BlockReport report, String who) {
    audit.record(who, report.action(), report.node(), report.outcome(), report.summary());
    log.info("{} {} by {}: {} — {}", report.action(), report.node(), who, report.outcome(), report.summary());
    return report;
  }

  /** Every node connected, blocked or with a known certificate, by name. */
  public List<NodeStatus> nodes() {
    Set<NodeName> names = new TreeSet<>(inventory.nodes());
    names.addAll(guard.blockedNodes());
    registry.all().forEach(s -> names.add(s.node()));
    List<NodeStatus> out = new ArrayList<>();
    for (NodeName n : names) {
      Optional<Session> session = registry.get(n);
      boolean blocked = guard.isBlocked(n);
      if (session.isPresent()) {
        SessionInfo info = session.get().info();
        out.add(new NodeStatus(n, true, info.connectedAt(), info.serialHex(), info.certificateNotAfter(), blocked));
      } else {
        Optional<NodeInventory.Entry> last = inventory.latest(n);
        out.add(new NodeStatus(n, false, null,
            last.map(e -> SerialNumbers.toColonHex(e.serial())).orElse(null),
            last.map(NodeInventory.Entry::notAfter).orElse(null), blocked));
      }
    }
    return out;
  }

  /** Reads the PKI's lists now and closes the sessions they refuse; true if they could be read. */
  public boolean refresh() {
    return refresher.refreshNow(() -> {}).fetched();
  }

  public boolean isBlocked(NodeName node) {
    return guard.isBlocked(node);
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
