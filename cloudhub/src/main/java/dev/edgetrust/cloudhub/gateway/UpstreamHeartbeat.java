package dev.edgetrust.cloudhub.gateway;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Once the upstream leg is up, sends cloudcore a WebSocket ping every interval. cloudcore sends
 * nothing of its own while it has nothing to say, and a connection that died without a reset would
 * take the edge's keepalives into a kernel buffer for many minutes; its pongs (gorilla answers
 * pings by default) prove the link alive to the read timeout in front of this handler. Pings are
 * per hop: nothing of them reaches the edge, and the edge's keepalives still reach cloudcore
 * unchanged.
 */
final class UpstreamHeartbeat extends ChannelDuplexHandler {
  private final long intervalMillis;
  private ScheduledFuture<?> beat;

  UpstreamHeartbeat(Duration interval) {
    this.intervalMillis = interval.toMillis();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE && beat == null) {
      beat =
          ctx.executor()
              .scheduleAtFixedRate(
                  new Ping(ctx), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }
    super.userEventTriggered(ctx, event);
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

  private record Ping(ChannelHandlerContext ctx) implements Runnable {
    @Override
    public void run() {
      if (ctx.channel().isActive()) {
        ctx.writeAndFlush(new PingWebSocketFrame());
      }
    }
  }
}
