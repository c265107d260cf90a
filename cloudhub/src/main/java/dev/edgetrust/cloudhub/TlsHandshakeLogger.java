package dev.edgetrust.cloudhub;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, in one line, why a TLS handshake was refused (certificate from another CA, expired,
 * TLS 1.1...). Operators see refusals without turning on debug logging; removes itself after the
 * handshake.
 */
public final class TlsHandshakeLogger extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TlsHandshakeLogger.class);
  private final String listener;

  public TlsHandshakeLogger(String listener) {
    this.listener = listener;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (!done.isSuccess()) {
        log.info("refused {} TLS handshake from {}: {}", listener, ctx.channel().remoteAddress(), rootMessage(done.cause()));
      }
      ctx.pipeline().remove(this);
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The handshake failure is reported through the completion event above; the exception that
    // accompanies it needs no second line.
    ctx.close();
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
