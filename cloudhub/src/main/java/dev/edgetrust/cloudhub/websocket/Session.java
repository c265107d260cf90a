package dev.edgetrust.cloudhub.websocket;

import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.SerialNumbers;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** An authenticated WebSocket session of one node. */
public final class Session {
  private final NodeName node;
  private final Channel channel;
  private final X509Certificate certificate;
  private final Instant connectedAt;
  private final AtomicBoolean closing = new AtomicBoolean();

  Session(NodeName node, Channel channel, X509Certificate certificate, Instant connectedAt) {
    this.node = node;
    this.channel = channel;
    this.certificate = certificate;
    this.connectedAt = connectedAt;
  }

  public NodeName node() {
    return node;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public SessionInfo info() {
    return new SessionInfo(
        node,
        SerialNumbers.toColonHex(certificate.getSerialNumber()),
        certificate.getNotAfter().toInstant(),
        connectedAt,
        channel.remoteAddress());
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** Sends one message in one text frame. */
  public ChannelFuture send(Message message) {
    return channel.writeAndFlush(new TextWebSocketFrame(MessageCodec.encodeFrame(message)));
  }

  /**
   * Closes the session with a WebSocket close frame that says why, then the connection. Only the
   * first call sends a frame: a session refused twice (by a sweep and a block) gets one.
   */
  public void close(WebSocketCloseStatus status, String reason) {
    if (!channel.isActive() || !closing.compareAndSet(false, true)) {
      return;
    }
    channel
        .writeAndFlush(new CloseWebSocketFrame(status.code(), reason))
        .addListener(f -> channel.close());
  }

  /**
   * Closes the session with 1001 (going away): the node is fine and should come back at once, to
   * this CloudHub once it restarts or to its newer session's connection. Without a close frame an
   * edgecore notices only when a keepalive write fails, tens of seconds later.
   */
  public void goAway(String reason) {
    close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, reason);
  }

  /** Closes the session after {@code delay}, on its own event loop. */
  public void closeAfter(java.time.Duration delay, WebSocketCloseStatus status, String reason) {
    channel
        .eventLoop()
        .schedule(
            () -> close(status, reason),
            delay.toMillis(),
            java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * The connection, for the gateway: its relay waits for a replaced session's connection to close.
   */
  Channel channel() {
    return channel;
  }

  public Instant connectedAt() {
    return connectedAt;
  }
}
