package dev.edgetrust.edgehub.channel;

import dev.edgetrust.message.Message;
import dev.edgetrust.revocation.RevocationNotice;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

/** The end of the pipeline: turns channel events into {@link SessionListener} calls. */
final class SessionHandler extends ChannelInboundHandlerAdapter {
  private final CloudSession session;
  private final SessionListener listener;
  private final FailureDescriber describer;

  SessionHandler(CloudSession session, SessionListener listener, FailureDescriber describer) {
    this.session = session;
    this.listener = listener;
    this.describer = describer;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      session.opened();
      listener.opened(session);
    } else if (event instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
      session.judge(FailureDescriber.verdict(tls.cause()));
      session.fail(describer.describe(tls.cause()));
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Message message) {
      listener.received(session, message);
    } else if (msg instanceof CloseWebSocketFrame close) {
      if (RevocationNotice.of(close.statusCode(), close.reasonText()).isPresent()) {
        session.judge(CredentialVerdict.REVOKED);
      } else if (close.statusCode() == WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code()) {
        session.goneAway();
      }
      session.fail(
          "the CloudHub closed the session ("
              + close.statusCode()
              + (close.reasonText().isEmpty() ? "" : " " + close.reasonText())
              + ")");
      ReferenceCountUtil.release(msg);
      ctx.close();
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      listener.writable(session);
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // With TLS 1.3 the CloudHub's alert can arrive after this side finished its handshake.
    session.judge(FailureDescriber.verdict(cause));
    session.fail(describer.describe(cause));
    ctx.close();
  }
}
