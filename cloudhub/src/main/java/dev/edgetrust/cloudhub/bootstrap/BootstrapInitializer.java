package dev.edgetrust.cloudhub.bootstrap;

import dev.edgetrust.cloudhub.TlsHandshakeLogger;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.x509.Csr;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The HTTPS bootstrap server's pipeline. */
public final class BootstrapInitializer extends ChannelInitializer<SocketChannel> {
  /** A request must arrive whole within this time: a slow client cannot hold a connection open. */
  private static final int READ_TIMEOUT_SECONDS = 30;

  private final Supplier<SslContext> tls;
  private final Supplier<ChannelHandler> handler;

  private final HubMetrics metrics;

  public BootstrapInitializer(Supplier<SslContext> tls, Supplier<ChannelHandler> handler) {
    this(tls, handler, HubMetrics.NONE);
  }

  /** @param metrics counts the listener's TLS handshakes and refusals */
  public BootstrapInitializer(Supplier<SslContext> tls, Supplier<ChannelHandler> handler, HubMetrics metrics) {
    this.tls = tls;
    this.handler = handler;
    this.metrics = metrics;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    // The peer's address goes into the engine, so a refused handshake can say who it was.
    p.addLast("tls", tls.get().newHandler(ch.alloc(), ch.remoteAddress().getHostString(), ch.remoteAddress().getPort()));
    p.addLast("handshake-log", new TlsHandshakeLogger("bootstrap", HubMetrics.Listener.BOOTSTRAP, metrics));
    p.addLast("read-timeout", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    p.addLast("http", new HttpServerCodec());
    // Over-long bodies get 413 from the aggregator before any parsing.
    p.addLast("aggregator", new HttpObjectAggregator(Csr.MAX_DER_BYTES));
    p.addLast("bootstrap", handler.get());
  }
}
