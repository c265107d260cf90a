package dev.edgetrust.edgehub.gateway;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/** Why the gateway ended the local edgecore's session, and what that edgecore is told. */
enum LocalEnd {
  /** The node's session to the CloudHub ended: edgecore should see the cloud go, and reconnect. */
  UPSTREAM_GONE(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "upstream session ended; reconnect"),
  /** The EdgeHub's outbox to the CloudHub is full. */
  UPSTREAM_TOO_SLOW(WebSocketCloseStatus.INTERNAL_SERVER_ERROR, "upstream too slow; reconnect"),
  /** A newer session of the local edgecore took over, as cloudcore replaces a node's session. */
  REPLACED(WebSocketCloseStatus.NORMAL_CLOSURE, "replaced by a newer session"),
  /** The gateway is stopping. */
  STOPPING(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "gateway stopping"),
  /**
   * The local edgecore does not read what the cloud sends: a close frame would wait behind what it
   * never took, so its connection is closed without one (as cloudcore does).
   */
  LOCAL_TOO_SLOW(null, ""),
  /**
   * No message for {@code gateway.keepaliveInterval}: closed without a close frame, as cloudcore
   * does.
   */
  LOCAL_SILENT(null, "");

  private final WebSocketCloseStatus status;
  private final String reason;

  LocalEnd(WebSocketCloseStatus status, String reason) {
    this.status = status;
    this.reason = reason;
  }

  boolean getsCloseFrame() {
    return status != null;
  }

  WebSocketCloseStatus status() {
    return status;
  }

  String reason() {
    return reason;
  }
}
