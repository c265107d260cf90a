package dev.edgetrust.cloudhub.bootstrap;

import dev.edgetrust.cloudhub.config.Limits;
import dev.edgetrust.cloudhub.http.ConnectionDeadline;
import dev.edgetrust.cloudhub.http.TlsHandshakeLogger;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.x509.Csr;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTPS bootstrap server's pipeline: TLS (with a handshake timeout), a deadline for each
 * request, the per-address rate limit when one is set (counted on the headers, before the body is
 * read), the 1 MiB body cap, then the handler.
 */
public final class BootstrapInitializer extends ChannelInitializer<SocketChannel> {
  /** A silent connection is closed after this long. */
  private static final int READ_TIMEOUT_SECONDS = 30;

  private final Supplier<SslContext> tls;
  private final Supplier<ChannelHandler> handler;
  private final Limits limits;
  private final Optional<BootstrapRateLimiters> rateLimiter;
  private final HubMetrics metrics;

  /**
   * @param metrics counts the listener's TLS handshakes and refusals
   * @param rateLimiter shared by every connection of this listener; empty for none
   */
  public BootstrapInitializer(
      Supplier<SslContext> tls,
      Supplier<ChannelHandler> handler,
      HubMetrics metrics,
      Limits limits,
      Optional<BootstrapRateLimiters> rateLimiter) {
    this.tls = tls;
    this.handler = handler;
    this.metrics = metrics;
    this.limits = limits;
    this.rateLimiter = rateLimiter;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (rateLimiter.isPresent()
        && rateLimiter.get().requests().ignoresRefusals(ch.remoteAddress())) {
      // It ignored its 429s: answering another one would cost a TLS handshake. Closed unread.
      metrics.refused(RefusalReason.RATE_LIMITED);
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    // The peer's address goes into the engine, so a refused handshake can say who it was.
    SslHandler ssl =
        tls.get()
            .newHandler(
                ch.alloc(), ch.remoteAddress().getHostString(), ch.remoteAddress().getPort());
    ssl.setHandshakeTimeoutMillis(limits.tlsHandshakeTimeout().toMillis());
    p.addLast("tls", ssl);
    p.addLast(
        "handshake-log",
        new TlsHandshakeLogger("bootstrap", HubMetrics.Listener.BOOTSTRAP, metrics));
    p.addLast("read-timeout", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    p.addLast("http", new HttpServerCodec());
    // Idle timeouts miss a client that trickles a byte now and then; a deadline does not.
    p.addLast(
        "request-deadline", ConnectionDeadline.perRequest(limits.requestTimeout(), "bootstrap"));
    if (rateLimiter.isPresent()) {
      p.addLast("rate-limit", new RateLimitHandler(rateLimiter.get(), metrics));
    }
    // Over-long bodies get 413 from the aggregator before any parsing.
    p.addLast("aggregator", new HttpObjectAggregator(Csr.MAX_DER_BYTES));
    p.addLast("bootstrap", handler.get());
  }
}
