package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.cloudhub.websocket.Session;
import dev.edgetrust.revocation.RevocationNotice;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a live session the access policy now refuses, whoever noticed (the periodic refresh, or a
 * block or reset right now): with the close code and the words {@link RevocationNotice} defines,
 * one log line and one audit line. The one place a refused session is closed.
 */
final class SessionCloser {
  private static final Logger log = LoggerFactory.getLogger(SessionCloser.class);

  /** A WebSocket close reason is at most 123 bytes. */
  private static final int MAX_CLOSE_REASON = 120;

  private final AuditLog audit;

  SessionCloser(AuditLog audit) {
    this.audit = audit;
  }

  /** Why a session whose client certificate has expired is closed. */
  static Refusal expired(Session session) {
    return new Refusal(
        RefusalReason.CERTIFICATE_EXPIRED,
        "serial "
            + session.info().serialHex()
            + " of node "
            + session.node()
            + " expired at "
            + session.certificate().getNotAfter().toInstant());
  }

  /**
   * Tells the node why: a revoked or blocked node learns it must enroll anew; one whose certificate
   * expired, that it must renew; one refused only because no current list is at hand learns to come
   * back later with the same certificate.
   *
   * @return the session as it was, for reports
   */
  SessionInfo close(Session session, Refusal refusal) {
    String reason = refusal.message();
    log.info("closing the session of node {}: {}", session.node(), reason);
    switch (refusal.reason()) {
      case BLOCKED ->
          session.close(
              WebSocketCloseStatus.POLICY_VIOLATION, RevocationNotice.BLOCKED.reason(reason));
      case REVOKED ->
          session.close(
              WebSocketCloseStatus.POLICY_VIOLATION, RevocationNotice.REVOKED.reason(reason));
      case CERTIFICATE_EXPIRED ->
          session.close(
              WebSocketCloseStatus.POLICY_VIOLATION, RevocationNotice.expiredReason(reason));
      default ->
          session.close(
              WebSocketCloseStatus.TRY_AGAIN_LATER,
              reason.length() > MAX_CLOSE_REASON ? reason.substring(0, MAX_CLOSE_REASON) : reason);
    }
    audit.record("cloudhub", "close-session", session.node(), "done", reason);
    return session.info();
  }
}
