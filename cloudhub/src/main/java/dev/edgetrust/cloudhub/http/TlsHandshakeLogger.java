package dev.edgetrust.cloudhub.http;

import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.tls.TransportFailure;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, in one line, why a TLS handshake was refused (certificate from another CA, expired, TLS
 * 1.1, a plain HTTP request...). Operators see refusals without turning on debug logging; removes
 * itself after the handshake. The reason is classified ({@link TransportFailure}), never the peer's
 * bytes: a plain-HTTP request to a TLS port carries its bearer token in them.
 */
public final class TlsHandshakeLogger extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TlsHandshakeLogger.class);
  private final String listener;
  private final HubMetrics.Listener kind;
  private final HubMetrics metrics;

  public TlsHandshakeLogger(String listener) {
    this.listener = listener;
    this.kind = null;
    this.metrics = HubMetrics.NONE;
  }

  /** Logs refusals as above and counts every handshake's outcome, and each refusal's reason. */
  public TlsHandshakeLogger(String listener, HubMetrics.Listener kind, HubMetrics metrics) {
    this.listener = listener;
    this.kind = kind;
    this.metrics = metrics;
  }

  /** Set once the peer has sent a byte; see {@link FirstByte}. */
  private static final AttributeKey<Boolean> SENT_BYTES =
      AttributeKey.valueOf(TlsHandshakeLogger.class, "sentBytes");

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Ahead of the SslHandler, to see raw bytes: whether the peer said anything at all.
    ctx.pipeline().addFirst(new FirstByte());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (!done.isSuccess()) {
        if (portProbe(ctx, done.cause())) {
          log.debug(
              "{} connection from {} closed before any TLS byte (a port probe)",
              listener,
              ctx.channel().remoteAddress());
        } else {
          log.info(
              "refused {} TLS handshake from {}: {}",
              listener,
              ctx.channel().remoteAddress(),
              TransportFailure.describe(done.cause()));
        }
        if (kind != null) {
          // Classified only here, on the failure path; a success costs one counter increment.
          java.util.Optional<RefusalReason> reason = RefusalReason.ofHandshakeFailure(done.cause());
          metrics.handshake(
              kind,
              reason.isPresent()
                  ? HubMetrics.HandshakeOutcome.REFUSED
                  : HubMetrics.HandshakeOutcome.ABORTED);
          if (kind != HubMetrics.Listener.ADMIN) {
            // Refusals count nodes turned away; an operator's failed admin handshake is not one.
            reason.ifPresent(metrics::refused);
          }
        }
      } else if (kind != null) {
        metrics.handshake(kind, HubMetrics.HandshakeOutcome.SUCCESS);
      }
      ctx.pipeline().remove(this);
    }
    super.userEventTriggered(ctx, evt);
  }

  /**
   * The peer closed the connection without sending a byte: a TCP port probe (a load balancer, the
   * kubelet, {@code nc -z}). Routine. One that stays silent until the handshake deadline is not.
   */
  private static boolean portProbe(ChannelHandlerContext ctx, Throwable cause) {
    return cause instanceof ClosedChannelException
        && !Boolean.TRUE.equals(ctx.channel().attr(SENT_BYTES).get());
  }

  /** Notes the peer's first byte on the channel, then leaves the pipeline. */
  static final class FirstByte extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      ctx.channel().attr(SENT_BYTES).set(true);
      ctx.pipeline().remove(this);
      super.channelRead(ctx, msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The handshake failure is reported through the completion event above; the exception that
    // accompanies it needs no second line.
    ctx.close();
  }
}
