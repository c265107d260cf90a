package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.WriteTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the local pipeline: the upgrade makes this connection the local session; each whole
 * message (text or binary, as KubeEdge's readers take both; JSON with or without gorilla's trailing
 * newline) goes to the relay; silence, a stalled write and the close end it.
 */
final class LocalLegHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(LocalLegHandler.class);

  private final LocalRelay relay;

  LocalLegHandler(LocalRelay relay) {
    this.relay = relay;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      relay.localOpened(ctx.channel());
    } else if (evt instanceof IdleStateEvent) {
      relay.localSilent(ctx.channel());
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
        String json = ((WebSocketFrame) msg).content().toString(StandardCharsets.UTF_8);
        if (json.isBlank()) {
          return;
        }
        Message message;
        try {
          message = MessageCodec.decode(json);
        } catch (IllegalArgumentException e) {
          log.warn(
              "dropping a frame from the local edgecore that is not a message: {}", e.getMessage());
          return;
        }
        relay.fromLocal(ctx.channel(), message);
      }
      // Anything else (a stray HTTP request after the upgrade failed) is not a message.
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof WriteTimeoutException) {
      log.warn(
          "a write to the local edgecore did not complete within writeDeadline: it is not reading; closing its connection");
    } else {
      log.debug(
          "local connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    relay.localGone(ctx.channel());
    super.channelInactive(ctx);
  }
}
