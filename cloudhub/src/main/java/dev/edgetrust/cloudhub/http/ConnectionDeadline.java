package dev.edgetrust.cloudhub.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline against slow clients (slowloris): a client that trickles its TLS handshake or its
 * request a byte at a time never trips an idle timeout, so this one runs from the moment the
 * connection opens, whatever arrives, and closes it when it fires.
 *
 * <p>{@link #perRequest}: each HTTP request must be complete within the limit (of the connection
 * opening, or of the previous request's end). {@link #untilUpgrade}: the WebSocket upgrade must be
 * done within the limit; from then on the session's keepalive governs.
 *
 * <p>A connection closed idle after an answer (an HTTP keep-alive the client did not reuse) is
 * logged at DEBUG: every healthy edgecore leaves one. One closed mid-request, or before its first
 * request, is logged at INFO. (A client trickling a request's header lines is not told apart from
 * an idle one: the decoder passes on nothing until the headers are whole.)
 */
public final class ConnectionDeadline extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(ConnectionDeadline.class);

  private final long limitNanos;
  private final String listener;
  private final boolean untilUpgrade;
  private ScheduledFuture<?> timer;
  private boolean done;
  private boolean answered;
  private boolean requestStarted;

  private ConnectionDeadline(Duration limit, String listener, boolean untilUpgrade) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("the deadline must be positive, was " + limit);
    }
    this.limitNanos = limit.toNanos();
    this.listener = listener;
    this.untilUpgrade = untilUpgrade;
  }

  /** Place after the HTTP decoder (before the aggregator): it watches each request's end. */
  public static ConnectionDeadline perRequest(Duration limit, String listener) {
    return new ConnectionDeadline(limit, listener, false);
  }

  /** Place after the WebSocket protocol handler: it watches for the upgrade's completion event. */
  public static ConnectionDeadline untilUpgrade(Duration limit, String listener) {
    return new ConnectionDeadline(limit, listener, true);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      arm(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!untilUpgrade && msg instanceof HttpObject) {
      requestStarted = !(msg instanceof LastHttpContent);
      if (msg instanceof LastHttpContent) {
        // This request is whole: the server's turn, however long signing takes.
        cancel();
      }
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (!untilUpgrade && msg instanceof LastHttpContent) {
      // The answer is out: the next request on this connection gets a full allowance of its own.
      answered = true;
      arm(ctx);
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (untilUpgrade && evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      done = true;
      cancel();
      ctx.pipeline().remove(this);
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  private void arm(ChannelHandlerContext ctx) {
    if (timer != null || done) {
      return;
    }
    timer = ctx.executor().schedule(() -> expire(ctx), limitNanos, TimeUnit.NANOSECONDS);
  }

  private void expire(ChannelHandlerContext ctx) {
    timer = null;
    if (!ctx.channel().isOpen()) {
      return;
    }
    if (!untilUpgrade && answered && !requestStarted) {
      // A client's kept-alive connection after its last answer (every edgecore does this): routine.
      log.debug(
          "closing idle keep-alive {} connection from {} after {} ms",
          listener,
          ctx.channel().remoteAddress(),
          TimeUnit.NANOSECONDS.toMillis(limitNanos));
    } else {
      log.info(
          "closing {} connection from {}: no complete {} within {} ms",
          listener,
          ctx.channel().remoteAddress(),
          untilUpgrade ? "WebSocket upgrade" : "request",
          TimeUnit.NANOSECONDS.toMillis(limitNanos));
    }
    ctx.close();
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
