package dev.edgetrust.cloudhub.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of the upstream leg's pipeline: reports the upgrade, cloudcore's messages, its close and
 * the leg's failures to the relay.
 */
final class UpstreamLegHandler extends ChannelInboundHandlerAdapter {
  private final Relay relay;

  UpstreamLegHandler(Relay relay) {
    this.relay = relay;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      relay.upstreamOpened();
    } else if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
      relay.upstreamFailed(tls.cause());
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
      relay.fromUpstream((WebSocketFrame) msg);
    } else if (msg instanceof CloseWebSocketFrame close) {
      try {
        relay.upstreamClosed(close);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    } else {
      // Pongs and anything else: per hop, nothing to relay.
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    relay.upstreamReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    relay.upstreamWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    relay.upstreamFailed(cause);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    relay.upstreamInactive();
  }
}
