package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.netty.WebSocketServerPipeline;
import dev.edgetrust.x509.Csr;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Clock;
import java.time.Duration;

/**
 * The local listener's pipeline, one job per handler: TLS (client certificate optional: a join has
 * none yet) · keepalive timeout · write deadline · HTTP · bootstrap ({@code /ca.crt}, {@code
 * /edge.crt}) · upgrade check · WebSocket · frame reassembly · the local leg. Both local ports run
 * it: edgecore dials one for its bootstrap and the other for its session.
 */
final class LocalInitializer extends ChannelInitializer<SocketChannel> {
  /** KubeEdge messages carry pod specs; bounded as the EdgeHub's own session is. */
  static final int MAX_MESSAGE_BYTES = 8 << 20;

  private final SslContext tls;
  private final LocalCa ca;
  private final LocalRelay relay;
  private final WebSocketServerPipeline wire;
  private final Duration writeDeadline;
  private final Clock clock;

  LocalInitializer(
      SslContext tls,
      LocalCa ca,
      LocalRelay relay,
      Duration keepaliveInterval,
      Duration writeDeadline,
      Clock clock) {
    this.tls = tls;
    this.ca = ca;
    this.relay = relay;
    // The upgrade request may carry a CSR (edgecore's /edge.crt goes through the same port).
    this.wire =
        new WebSocketServerPipeline(
            keepaliveInterval, writeDeadline, Csr.MAX_DER_BYTES + 1024, MAX_MESSAGE_BYTES);
    this.writeDeadline = writeDeadline;
    this.clock = clock;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    SslHandler ssl = tls.newHandler(ch.alloc());
    ssl.setHandshakeTimeoutMillis(writeDeadline.toMillis());
    p.addLast("tls", ssl);
    wire.addHttp(p);
    p.addLast("bootstrap", new LocalBootstrapHandler(ca, clock));
    p.addLast("upgrade-check", new LocalUpgradeCheck(ca.node(), relay));
    wire.addUpgrade(p);
    wire.addMessages(p);
    p.addLast("local-leg", new LocalLegHandler(relay));
  }
}
