package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.cloudhub.revocation.BlockReport.Action;
import dev.edgetrust.cloudhub.revocation.BlockReport.Outcome;
import dev.edgetrust.cloudhub.revocation.BlockReport.Step;
import dev.edgetrust.cloudhub.websocket.Session;
import dev.edgetrust.cloudhub.websocket.SessionRegistry;
import dev.edgetrust.pki.NodeBlocking;
import dev.edgetrust.pki.NodeCredentialChange;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.Revocation;
import dev.edgetrust.x509.SerialNumbers;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's levers: block, unblock and reset a node, step by step, each step's outcome in the
 * {@link BlockReport}. It changes state (the PKI's, the CloudHub's own list, live sessions); the
 * {@link AccessPolicy} alone decides what that state means for a handshake.
 *
 * <p>Where the PKI cannot block nodes or revoke certificates (no {@code blocking()} or {@code
 * revocation()}: CFSSL, for one), the CloudHub holds that part itself in its {@link
 * LocalAccessList}, and the report says so.
 */
final class NodeActions {
  private static final Logger log = LoggerFactory.getLogger(NodeActions.class);

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
  private final AccessPolicy policy;
  private final LocalAccessList local;
  private final RevocationRefresher refresher;
  private final SessionRegistry registry;
  private final SessionCloser closer;
  private final KnownSerials known;
  private final EnrollmentAdmission admission;
  private final AuditLog audit;

  NodeActions(
      PkiProvider provider,
      AccessPolicy policy,
      LocalAccessList local,
      RevocationRefresher refresher,
      SessionRegistry registry,
      SessionCloser closer,
      KnownSerials known,
      EnrollmentAdmission admission,
      AuditLog audit) {
    this.provider = provider;
    this.policy = policy;
    this.local = local;
    this.refresher = refresher;
    this.registry = registry;
    this.closer = closer;
    this.known = known;
    this.admission = admission;
    this.audit = audit;
  }

  /** Why step (a) could not be done, and what to tell the operator. */
  private record Failure(String detail, String nextStep) {
    static Failure of(PkiException e) {
      return new Failure(
          e.getMessage(),
          e.isRetryable() ? "the PKI could not answer; try again when it is reachable" : "");
    }
  }

  /** Step (a) done, or why not. */
  private record CredentialStep(Optional<NodeCredentialChange> change, Optional<Failure> failure) {
    static CredentialStep done(NodeCredentialChange change) {
      return new CredentialStep(Optional.of(change), Optional.empty());
    }

    static CredentialStep failed(Failure failure) {
      return new CredentialStep(Optional.empty(), Optional.of(failure));
    }
  }

  /**
   * Blocks {@code node}: (a) the PKI refuses its renewal credential (or the CloudHub refuses its
   * name itself), (b) every serial known for it is revoked, (c) its live session is closed, (d) its
   * handshakes are refused from now on. Stops after (a) if that fails; carries on past (b).
   */
  synchronized BlockReport block(NodeName node, String who) {
    List<Step> steps = new ArrayList<>();
    CredentialStep credential = refuseCredential(node);
    if (credential.failure().isPresent()) {
      steps.add(Step.failed("a", STEP_A_BLOCK, credential.failure().get().detail()));
      steps.add(Step.skipped("b", STEP_B_BLOCK, "not attempted: step (a) failed"));
      steps.add(Step.skipped("c", STEP_C_BLOCK, "not attempted: step (a) failed"));
      steps.add(Step.skipped("d", STEP_D_BLOCK, "not attempted: step (a) failed"));
      return finish(
          new BlockReport(
              node, Action.BLOCK, Outcome.FAILED, steps, credential.failure().get().nextStep()),
          who);
    }
    NodeCredentialChange change = credential.change().orElseThrow();
    steps.add(Step.done("a", STEP_A_BLOCK, change.done()));

    Revocations revocations = revokeKnownSerials(node, "b", STEP_B_BLOCK);
    steps.add(revocations.step());

    // The policy refuses the node before its session is closed, or it would reconnect at once.
    RevocationRefresher.Result refreshed =
        refresher.refreshNow(() -> policy.apply(node, true, revocations.revoked()));

    steps.add(
        closeSession(
            node,
            refreshed.closed(),
            "c",
            STEP_C_BLOCK,
            new Refusal(RefusalReason.BLOCKED, "node " + node + " is blocked")));

    if (policy.isBlocked(node)) {
      steps.add(
          Step.done(
              "d",
              STEP_D_BLOCK,
              "handshakes of node "
                  + node
                  + " are refused from now on"
                  + (refreshed.fetched()
                      ? ""
                      : " (the PKI's lists could not be read again just now: "
                          + refreshed.failure()
                          + "; the block is held in memory until they can)")));
    } else {
      // The PKI reported its blocklist without this node: its handshakes are refused by serial
      // only.
      steps.add(
          Step.failed(
              "d",
              STEP_D_BLOCK,
              "the "
                  + provider.name()
                  + " PKI does not list node "
                  + node
                  + " as blocked; only its revoked serials are refused"));
    }
    return finish(
        new BlockReport(node, Action.BLOCK, Outcome.of(steps), steps, change.nextStep()), who);
  }

  /** Step (a) of a block: at the PKI if it can block nodes, else in the CloudHub's own list. */
  private CredentialStep refuseCredential(NodeName node) {
    Optional<NodeBlocking> pki = provider.blocking();
    if (pki.isPresent()) {
      try {
        return CredentialStep.done(pki.get().blockNode(node));
      } catch (PkiException e) {
        return CredentialStep.failed(Failure.of(e));
      }
    }
    try {
      boolean added = local.block(node);
      return CredentialStep.done(
          new NodeCredentialChange(
              "the "
                  + provider.name()
                  + " PKI cannot block nodes: the CloudHub refuses node "
                  + node
                  + " by name itself"
                  + (added ? "" : " (it already did)")
                  + ", kept in "
                  + local.file(),
              ""));
    } catch (IOException e) {
      return CredentialStep.failed(new Failure(e.getMessage(), ""));
    }
  }

  /** Step (a) of an unblock: the inverse of {@link #refuseCredential}. */
  private CredentialStep acceptCredential(NodeName node) {
    Optional<NodeBlocking> pki = provider.blocking();
    if (pki.isPresent()) {
      try {
        NodeCredentialChange change = pki.get().unblockNode(node);
        // Held here while the CloudHub ran on a PKI that could not block: lifted with the PKI's.
        local.unblock(node);
        return CredentialStep.done(change);
      } catch (PkiException e) {
        return CredentialStep.failed(Failure.of(e));
      } catch (IOException e) {
        return CredentialStep.failed(new Failure(e.getMessage(), ""));
      }
    }
    try {
      boolean removed = local.unblock(node);
      return CredentialStep.done(
          new NodeCredentialChange(
              removed
                  ? "the "
                      + provider.name()
                      + " PKI cannot block nodes: the CloudHub no longer refuses node "
                      + node
                      + " by name ("
                      + local.file()
                      + ")"
                  : "node "
                      + node
                      + " was not on the CloudHub's own blocklist ("
                      + local.file()
                      + ")",
              "its revoked certificates stay revoked: the device enrolls anew (an edgetrust EdgeHub with a join token "
                  + "does so by itself at its next retry)"));
    } catch (IOException e) {
      return CredentialStep.failed(new Failure(e.getMessage(), ""));
    }
  }

  private record Revocations(List<BigInteger> revoked, Step step) {}

  private Revocations revokeKnownSerials(NodeName node, String stepId, String stepTitle) {
    KnownSerials.Known serials = known.of(node);
    List<BigInteger> revoked = new ArrayList<>();
    List<String> already = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<BigInteger> toRevoke = new ArrayList<>();
    for (BigInteger serial : serials.serials()) {
      if (policy.isRevoked(serial)) {
        already.add(SerialNumbers.toColonHex(serial));
      } else {
        toRevoke.add(serial);
      }
    }
    // Together: a PKI that re-signs its whole list per revocation then does so once per block.
    Map<BigInteger, String> refused = toRevoke.isEmpty() ? Map.of() : revoke(toRevoke);
    for (BigInteger serial : toRevoke) {
      String why = refused.get(serial);
      if (why == null) {
        revoked.add(serial);
      } else {
        failed.add(SerialNumbers.toColonHex(serial) + " (" + why + ")");
      }
    }
    StringBuilder detail = new StringBuilder();
    if (serials.serials().isEmpty()) {
      detail.append("no unexpired certificate of node ").append(node).append(" is known");
    } else {
      detail
          .append("revoked ")
          .append(revoked.size())
          .append(revoked.size() == 1 ? " serial" : " serials");
      if (!revoked.isEmpty()) {
        detail
            .append(" (")
            .append(
                revoked.stream().map(SerialNumbers::toColonHex).collect(Collectors.joining(", ")))
            .append(')');
      }
      if (!revoked.isEmpty() && provider.revocation().isEmpty()) {
        detail
            .append("; the ")
            .append(provider.name())
            .append(" PKI cannot revoke certificates: the CloudHub refuses these serials itself");
      }
      if (!already.isEmpty()) {
        detail.append("; already revoked: ").append(String.join(", ", already));
      }
      if (!failed.isEmpty()) {
        detail.append("; could not revoke: ").append(String.join(", ", failed));
      }
    }
    serials
        .pkiFailure()
        .ifPresent(
            why ->
                detail
                    .append("; the PKI's own list of serials for the node could not be read: ")
                    .append(why));
    Step step =
        failed.isEmpty()
            ? Step.done(stepId, stepTitle, detail.toString())
            : Step.failed(stepId, stepTitle, detail.toString());
    return new Revocations(revoked, step);
  }

  /**
   * Revokes {@code serials} at the PKI if it can revoke, else in the CloudHub's own list.
   *
   * @return the serials that could not be revoked, each with why
   */
  private Map<BigInteger, String> revoke(List<BigInteger> serials) {
    Map<BigInteger, String> refused = new LinkedHashMap<>();
    Optional<Revocation> pki = provider.revocation();
    if (pki.isPresent()) {
      pki.get().revokeAll(serials).forEach((serial, e) -> refused.put(serial, e.getMessage()));
      return refused;
    }
    try {
      local.revoke(serials);
    } catch (IOException e) {
      serials.forEach(serial -> refused.put(serial, e.getMessage()));
    }
    return refused;
  }

  private Step closeSession(
      NodeName node,
      List<SessionInfo> closedBySweep,
      String stepId,
      String stepTitle,
      Refusal why) {
    Optional<SessionInfo> closed =
        closedBySweep.stream().filter(s -> s.node().equals(node)).findFirst();
    Optional<Session> live = registry.get(node);
    if (closed.isEmpty() && live.isPresent() && live.get().isOpen()) {
      closed = Optional.of(closer.close(live.get(), why));
    }
    return closed
        .map(
            s ->
                Step.done(
                    stepId,
                    stepTitle,
                    "closed the session from "
                        + s.remote()
                        + " (connected since "
                        + s.connectedAt()
                        + ", serial "
                        + s.serialHex()
                        + ")"))
        .orElseGet(() -> Step.done(stepId, stepTitle, "node " + node + " had no live session"));
  }

  /** In migration mode: a new cloudcore certificate may bind to the node after a reset. */
  private void releaseCloudcoreBinding(NodeName node) {
    try {
      if (policy.releaseLegacy(node)) {
        audit.record("cloudhub", "legacy-release", node, "done", "cloudcore certificate binding");
      }
    } catch (IOException e) {
      audit.record("cloudhub", "legacy-release", node, "failed", e.getMessage());
    }
  }

  /**
   * Resets {@code node} for a new device under its name: (a) every serial known for it is revoked,
   * (b) its live session is closed, (c) the name is free for one new token enrollment (a shared
   * token, or a new node-bound one: the first to enroll holds the name again). A block, if any,
   * stays: reset does not unblock.
   */
  synchronized BlockReport reset(NodeName node, String who) {
    List<Step> steps = new ArrayList<>();
    Revocations revocations = revokeKnownSerials(node, "a", STEP_A_RESET);
    steps.add(revocations.step());
    releaseCloudcoreBinding(node);
    // The policy learns the revocations before the session is closed, or it would reconnect at
    // once.
    RevocationRefresher.Result refreshed =
        refresher.refreshNow(
            () -> policy.apply(node, policy.isBlocked(node), revocations.revoked()));
    steps.add(
        closeSession(
            node,
            refreshed.closed(),
            "b",
            STEP_B_RESET,
            new Refusal(RefusalReason.REVOKED, "node " + node + " is reset by an operator")));
    // The session closed in (b) may take a moment to leave the registry; certificates decide here.
    Optional<String> inUse = admission.validCertificate(node);
    String next =
        "give the new device a join token (./edgetrust token --config <cloudcore.yaml> --node "
            + node
            + ") and let it enroll; the old certificates stay revoked";
    if (policy.isBlocked(node)) {
      steps.add(
          Step.failed(
              "c",
              STEP_C_RESET,
              "node "
                  + node
                  + " is blocked: /edge.crt refuses it until ./edgetrust node unblock "
                  + node));
    } else if (inUse.isPresent()) {
      steps.add(Step.failed("c", STEP_C_RESET, "the name is still in use: " + inUse.get()));
    } else {
      steps.add(
          Step.done(
              "c",
              STEP_C_RESET,
              "node "
                  + node
                  + " holds no valid certificate and no session: the next token enrollment under its name is accepted"));
    }
    return finish(new BlockReport(node, Action.RESET, Outcome.of(steps), steps, next), who);
  }

  /**
   * Unblocks {@code node}: (a) the PKI accepts its renewal credential again (or the CloudHub its
   * name), (d) its handshakes are no longer refused by name. Revoked serials stay revoked: the
   * device re-enrolls, as the report's next step says.
   */
  synchronized BlockReport unblock(NodeName node, String who) {
    List<Step> steps = new ArrayList<>();
    CredentialStep credential = acceptCredential(node);
    if (credential.failure().isPresent()) {
      steps.add(Step.failed("a", STEP_A_UNBLOCK, credential.failure().get().detail()));
      steps.add(Step.skipped("d", STEP_D_UNBLOCK, "not attempted: step (a) failed"));
      return finish(
          new BlockReport(
              node, Action.UNBLOCK, Outcome.FAILED, steps, credential.failure().get().nextStep()),
          who);
    }
    NodeCredentialChange change = credential.change().orElseThrow();
    steps.add(Step.done("a", STEP_A_UNBLOCK, change.done()));
    RevocationRefresher.Result refreshed =
        refresher.refreshNow(() -> policy.apply(node, false, Set.of()));
    // Counted over the same serials a block revokes (the inventory and the PKI's own list), so the
    // two reports agree.
    int revoked = (int) known.of(node).serials().stream().filter(policy::isRevoked).count();
    if (policy.isBlocked(node)) {
      steps.add(
          Step.failed(
              "d",
              STEP_D_UNBLOCK,
              "the " + provider.name() + " PKI still lists node " + node + " as blocked"));
    } else {
      steps.add(
          Step.done(
              "d",
              STEP_D_UNBLOCK,
              "node "
                  + node
                  + " is no longer refused by name; its "
                  + revoked
                  + " revoked "
                  + (revoked == 1 ? "serial stays" : "serials stay")
                  + " revoked"
                  + (refreshed.fetched()
                      ? ""
                      : " (the PKI's lists could not be read again just now: "
                          + refreshed.failure()
                          + ")")));
    }
    return finish(
        new BlockReport(node, Action.UNBLOCK, Outcome.of(steps), steps, change.nextStep()), who);
  }

  private BlockReport finish(BlockReport report, String who) {
    audit.record(
        who, report.action().word(), report.node(), report.outcome().word(), report.summary());
    log.info(
        "{} {} by {}: {} — {}",
        report.action().word(),
        report.node(),
        who,
        report.outcome().word(),
        report.summary());
    return report;
  }
}
