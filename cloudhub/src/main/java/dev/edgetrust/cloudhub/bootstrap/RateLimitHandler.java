package dev.edgetrust.cloudhub.bootstrap;

import dev.edgetrust.cloudhub.http.HttpReplies;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts each bootstrap request against its address's bucket as soon as its headers are decoded,
 * before the body is gathered, a token checked or a CSR parsed, and answers one over the limit with
 * {@code 429 Too Many Requests} and {@code Retry-After} (whole seconds, at least 1). A request with
 * an {@code Authorization} header is a token enrollment and is counted against the tighter
 * enrollment bucket as well. The refused request's body is dropped as it arrives and the connection
 * closed after the reply.
 *
 * <p>Sits between the HTTP codec and the aggregator; one per connection, the limiters shared.
 */
public final class RateLimitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RateLimitHandler.class);

  private final BootstrapRateLimiters limiters;
  private final HubMetrics metrics;

  /** Whether the rest of the current request is being dropped. */
  private boolean discarding;

  /**
   * @param metrics counts each refused request as {@link RefusalReason#RATE_LIMITED}
   */
  public RateLimitHandler(BootstrapRateLimiters limiters, HubMetrics metrics) {
    this.limiters = limiters;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      SocketAddress remote = ctx.channel().remoteAddress();
      AddressRateLimiter.Decision decision = limiters.requests().acquire(remote);
      String what = "requests";
      if (decision.allowed() && request.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
        decision = limiters.enrollments().acquire(remote);
        what = "token enrollments";
      }
      discarding = !decision.allowed();
      if (discarding) {
        long seconds = Math.max(1, (decision.retryAfter().toMillis() + 999) / 1000);
        log.debug(
            "bootstrap {} from {} over the rate limit; retry after {} s", what, remote, seconds);
        metrics.refused(RefusalReason.RATE_LIMITED);
        HttpReplies.refuse(
            ctx,
            HttpResponseStatus.TOO_MANY_REQUESTS,
            "too many " + what + " from this address; retry after " + seconds + " s",
            seconds);
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
}
