package dev.edgetrust.cloudhub.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.WriteTimeoutException;

/**
 * In an admitted edge session's pipeline, in front of the CloudHub's session handler: takes every
 * whole message (text or binary, as KubeEdge's readers accept both) and gives it to the relay
 * instead of the CloudHub; passes everything else (session events, the keepalive timeout of an edge
 * that is really silent) on.
 */
final class EdgeLegHandler extends ChannelInboundHandlerAdapter {
  private final Relay relay;

  EdgeLegHandler(Relay relay) {
    this.relay = relay;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().config().setWriteBufferWaterMark(Relay.WATER_MARK);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
      relay.fromEdge((WebSocketFrame) msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    relay.edgeReadComplete();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    relay.edgeWritabilityChanged();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && relay.edgeIdle()) {
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof WriteTimeoutException) {
      relay.edgeTooSlow(
          "a write to the edge did not complete within writeTimeout: it is not reading");
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    relay.edgeInactive();
    ctx.fireChannelInactive();
  }
}
