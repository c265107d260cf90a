package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.x509.Csr;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

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
  private final Duration keepaliveInterval;
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
    this.keepaliveInterval = keepaliveInterval;
    this.writeDeadline = writeDeadline;
    this.clock = clock;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    SslHandler ssl = tls.newHandler(ch.alloc());
    ssl.setHandshakeTimeoutMillis(writeDeadline.toMillis());
    p.addLast("tls", ssl);
    p.addLast(
        "keepalive-timeout",
        new IdleStateHandler(keepaliveInterval.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    p.addLast(
        "write-deadline", new WriteTimeoutHandler(writeDeadline.toMillis(), TimeUnit.MILLISECONDS));
    p.addLast("http", new HttpServerCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(Csr.MAX_DER_BYTES + 1024));
    p.addLast("bootstrap", new LocalBootstrapHandler(ca, clock));
    p.addLast("upgrade-check", new LocalUpgradeCheck(ca.node(), relay));
    p.addLast(
        "websocket",
        new WebSocketServerProtocolHandler(
            WebSocketServerProtocolConfig.newBuilder()
                // cloudcore registers "/" and ignores the path; the upgrade check has looked at it.
                .websocketPath("/")
                .checkStartsWith(true)
                .handleCloseFrames(true)
                .decoderConfig(
                    WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                        .build())
                .build()));
    p.addLast("frame-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
    p.addLast("local-leg", new LocalLegHandler(relay));
  }
}
