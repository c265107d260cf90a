package dev.edgetrust.edgehub.channel;

import dev.edgetrust.message.Message;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Once the session is up, sends edgecore's keepalive message and a WebSocket ping every heartbeat:
 * the keepalive keeps the CloudHub from expiring the session, the ping draws a pong so that a
 * silent CloudHub still proves the link alive to the read timeout.
 */
final class HeartbeatHandler extends ChannelDuplexHandler {
  private final long intervalMillis;
  private ScheduledFuture<?> beat;

  HeartbeatHandler(Duration interval) {
    this.intervalMillis = interval.toMillis();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE && beat == null) {
      // edgecore sends its first keepalive at once, then one every heartbeat.
      beat =
          ctx.executor()
              .scheduleAtFixedRate(() -> beat(ctx), 0, intervalMillis, TimeUnit.MILLISECONDS);
    }
    super.userEventTriggered(ctx, event);
  }

  private static void beat(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      ctx.write(Message.keepalive());
      ctx.writeAndFlush(new PingWebSocketFrame());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void stop() {
    if (beat != null) {
      beat.cancel(false);
    }
  }
}
