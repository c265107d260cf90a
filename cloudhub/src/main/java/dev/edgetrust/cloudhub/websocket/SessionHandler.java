package dev.edgetrust.cloudhub.websocket;

import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.gateway.EdgeSession;
import dev.edgetrust.cloudhub.gateway.UpstreamGateway;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.tls.TransportFailure;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's session once the upgrade succeeded: registers it, turns text frames into messages,
 * closes it when the node falls silent for {@code keepaliveInterval}, and has it ended when its
 * certificate expires ({@link CertificateExpiry}).
 */
final class SessionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

  private final SessionRegistry registry;
  private final CloudHubListener listener;
  private final Clock clock;
  private final Optional<UpstreamGateway> gateway;
  private final CertificateExpiry.Closer expired;
  private Session session;

  /**
   * @param gateway when present, every admitted session is relayed to cloudcore through it and its
   *     messages do not reach {@code listener}
   */
  SessionHandler(
      SessionRegistry registry,
      CloudHubListener listener,
      Clock clock,
      Optional<UpstreamGateway> gateway,
      CertificateExpiry.Closer expired) {
    this.expired = expired;
    this.registry = registry;
    this.listener = listener;
    this.clock = clock;
    this.gateway = gateway;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      NodeName node = ctx.channel().attr(UpgradeAuthenticator.NODE).get();
      session =
          new Session(
              node,
              ctx.channel(),
              ctx.channel().attr(UpgradeAuthenticator.CERTIFICATE).get(),
              clock.instant());
      Optional<Session> replaced = registry.register(session);
      replaced.ifPresent(old -> old.goAway("replaced by a newer session of the same node"));
      log.info(
          "node {} connected from {} (certificate serial {})",
          node,
          ctx.channel().remoteAddress(),
          session.info().serialHex());
      CertificateExpiry.watch(session, clock, expired);
      if (gateway.isPresent()) {
        // Frames from here on go to the relay, in front of this handler.
        ctx.pipeline()
            .addBefore(ctx.name(), "relay", gateway.get().relay(edgeSession(ctx, replaced)));
      }
      listener.onConnected(session.info());
    } else if (evt instanceof IdleStateEvent) {
      if (session != null) {
        log.info(
            "node {} sent nothing for the keepalive interval; closing its session", session.node());
        session.close(WebSocketCloseStatus.POLICY_VIOLATION, "keepalive timeout");
      } else {
        ctx.close();
      }
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  private EdgeSession edgeSession(ChannelHandlerContext ctx, Optional<Session> replaced) {
    return new EdgeSession(
        session.node(),
        ctx.channel().attr(UpgradeAuthenticator.PROJECT_ID).get(),
        ctx.channel().attr(UpgradeAuthenticator.PROJECT_SEGMENT).get(),
        ctx.channel(),
        session::close,
        replaced.map(Session::channel));
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (session == null) {
      ctx.close();
      return;
    }
    if (!(frame instanceof TextWebSocketFrame text)) {
      session.close(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "KubeEdge messages are text frames");
      return;
    }
    Message message;
    try {
      message = MessageCodec.decode(text.text());
    } catch (IllegalArgumentException e) {
      log.warn("dropped a malformed message from node {}: {}", session.node(), e.getMessage());
      return;
    }
    if (message.isEmpty() || message.isKeepalive()) {
      return;
    }
    listener.onMessage(session.node(), message);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (session != null && registry.unregister(session)) {
      log.info("node {} disconnected", session.node());
      listener.onDisconnected(session.info());
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "closing session of {} after an error: {}",
        session == null ? ctx.channel().remoteAddress() : session.node(),
        TransportFailure.describe(cause));
    ctx.close();
  }
}
