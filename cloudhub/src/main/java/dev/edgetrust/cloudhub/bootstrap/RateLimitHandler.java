package dev.edgetrust.cloudhub.bootstrap;

import dev.edgetrust.cloudhub.RefusalReason;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts each bootstrap request against its address's bucket as soon as its headers are decoded,
 * before the body is gathered, a token checked or a CSR parsed, and answers one over the limit
 * with {@code 429 Too Many Requests} and {@code Retry-After} (whole seconds, at least 1). The
 * refused request's body is dropped as it arrives and the connection closed after the reply.
 *
 * <p>Sits between the HTTP codec and the aggregator; one per connection, the limiter shared.
 */
public final class RateLimitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RateLimitHandler.class);

  private final AddressRateLimiter limiter;
  private final HubMetrics metrics;
  /** Whether the rest of the current request is being dropped. */
  private boolean discarding;

  /** @param metrics counts each refused request as {@link RefusalReason#RATE_LIMITED} */
  public RateLimitHandler(AddressRateLimiter limiter, HubMetrics metrics) {
    this.limiter = limiter;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      AddressRateLimiter.Decision decision = limiter.acquire(ctx.channel().remoteAddress());
      discarding = !decision.allowed();
      if (discarding) {
        long seconds = Math.max(1, (decision.retryAfter().toMillis() + 999) / 1000);
        log.debug("bootstrap request from {} over the rate limit; retry after {} s", ctx.channel().remoteAddress(), seconds);
        metrics.refused(RefusalReason.RATE_LIMITED);
        tooManyRequests(ctx, seconds);
      }
    }
    if (discarding) {
      if (msg instanceof LastHttpContent) {
        discarding = false;
      }
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static void tooManyRequests(ChannelHandlerContext ctx, long retryAfterSeconds) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.TOO_MANY_REQUESTS,
            Unpooled.copiedBuffer(
                "too many requests from this address; retry after " + retryAfterSeconds + " s\n",
                StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
