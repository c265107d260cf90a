package dev.edgetrust.cloudhub.gateway;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Why a relayed session ended, and what each leg is told. The edge hears a close code and a short
 * reason; cloudcore's address, certificates and failure details stay in the gateway's log line.
 */
public enum RelayEnd {
  /** The edge session closed: the edge left, fell silent, was replaced, blocked or revoked. */
  EDGE_GONE(null, ""),
  /** cloudcore closed the session (a close frame, or TCP closed, as its keepalive check does). */
  UPSTREAM_GONE(
      WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "upstream closed the session; reconnect"),
  /** Connect, TLS or the WebSocket upgrade to cloudcore failed. */
  UPSTREAM_UNREACHABLE(
      WebSocketCloseStatus.TRY_AGAIN_LATER, "upstream unreachable; try again later"),
  /** cloudcore failed recently and the dial gate keeps it from being dialed again so soon. */
  UPSTREAM_BACKING_OFF(
      WebSocketCloseStatus.TRY_AGAIN_LATER, "upstream unreachable; try again later"),
  /**
   * cloudcore does not take what the edge sends: the session's buffer toward it passed its cap, a
   * write to it timed out, or the edge was paused a whole keepalive interval.
   */
  UPSTREAM_TOO_SLOW(WebSocketCloseStatus.INTERNAL_SERVER_ERROR, "upstream too slow; reconnect"),
  /**
   * The edge does not take what cloudcore sends. It is not reading, so a close frame would not
   * reach it either: its connection is closed.
   */
  EDGE_TOO_SLOW(null, ""),
  /** The edge's project id cannot be put in the upstream URL as it is. */
  BAD_PROJECT_ID(
      WebSocketCloseStatus.POLICY_VIOLATION, "project id is not a plain URL path segment");

  /** The close frame the edge gets; {@code null}: its connection is closed without one. */
  private final WebSocketCloseStatus edgeStatus;

  private final String edgeReason;

  RelayEnd(WebSocketCloseStatus edgeStatus, String edgeReason) {
    this.edgeStatus = edgeStatus;
    this.edgeReason = edgeReason;
  }

  /** The metrics label: the name in lower case. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  boolean edgeGetsCloseFrame() {
    return edgeStatus != null;
  }

  WebSocketCloseStatus edgeStatus() {
    return edgeStatus;
  }

  String edgeReason() {
    return edgeReason;
  }

  /** Worth a warning: something is wrong with a leg, not just a session ending. */
  boolean isFault() {
    return this != EDGE_GONE && this != UPSTREAM_GONE;
  }
}
