package dev.edgetrust.cloudhub.gateway;

import dev.edgetrust.cloudhub.config.UpstreamServer;
import dev.edgetrust.cloudhub.config.UpstreamSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Dials cloudcore's CloudHub for one relay, as edgecore would: mutual TLS with the gateway's
 * certificate (cloudcore's host name or IP checked against its certificate), then the WebSocket
 * upgrade of {@link UpstreamHandshake}.
 *
 * <p>Pipeline, one job per handler: TLS · write deadline · dead-connection read timeout · HTTP ·
 * WebSocket upgrade · frame reassembly · ping · relay.
 */
final class UpstreamConnector implements UpstreamDialer {
  private final UpstreamServer server;
  private final UpstreamTls tls;
  private final Duration dialTimeout;
  private final Duration writeTimeout;
  private final Duration keepaliveInterval;

  /**
   * @param keepaliveInterval the CloudHub's: cloudcore is pinged twice per interval, and a leg that
   *     brought nothing (not even a pong) for three intervals is dead
   */
  UpstreamConnector(
      UpstreamServer server,
      UpstreamTls tls,
      Duration dialTimeout,
      Duration writeTimeout,
      Duration keepaliveInterval) {
    this.server = server;
    this.tls = tls;
    this.dialTimeout = dialTimeout;
    this.writeTimeout = writeTimeout;
    this.keepaliveInterval = keepaliveInterval;
  }

  @Override
  public ChannelFuture dial(Relay relay, UpstreamHandshake handshake, EventLoop loop) {
    SslContext context = tls.context();
    return new Bootstrap()
        // The edge leg's own event loop: both legs of a relay on one thread, no locks between them.
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, dialTimeout.toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Relay.WATER_MARK)
        .handler(new Initializer(relay, handshake, context))
        .connect(server.host(), server.port());
  }

  private final class Initializer extends ChannelInitializer<SocketChannel> {
    private final Relay relay;
    private final UpstreamHandshake handshake;
    private final SslContext context;

    Initializer(Relay relay, UpstreamHandshake handshake, SslContext context) {
      this.relay = relay;
      this.handshake = handshake;
      this.context = context;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
      ChannelPipeline p = ch.pipeline();
      SslHandler ssl = context.newHandler(ch.alloc(), server.host(), server.port());
      ssl.setHandshakeTimeoutMillis(dialTimeout.toMillis());
      p.addLast("tls", ssl);
      p.addLast(
          "write-timeout", new WriteTimeoutHandler(writeTimeout.toMillis(), TimeUnit.MILLISECONDS));
      p.addLast(
          "dead-connection",
          new ReadTimeoutHandler(keepaliveInterval.toMillis() * 3, TimeUnit.MILLISECONDS));
      p.addLast("http", new HttpClientCodec());
      p.addLast("http-aggregator", new HttpObjectAggregator(16 << 10));
      p.addLast("websocket", new WebSocketClientProtocolHandler(config(handshake)));
      p.addLast(
          "frame-aggregator", new WebSocketFrameAggregator(UpstreamSettings.MAX_MESSAGE_BYTES));
      p.addLast("heartbeat", new UpstreamHeartbeat(keepaliveInterval.dividedBy(2)));
      p.addLast("relay", new UpstreamLegHandler(relay));
    }
  }

  private WebSocketClientProtocolConfig config(UpstreamHandshake handshake) {
    return WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(handshake.uri())
        .version(WebSocketVersion.V13)
        .customHeaders(handshake.headers())
        .maxFramePayloadLength(UpstreamSettings.MAX_MESSAGE_BYTES)
        .handshakeTimeoutMillis(dialTimeout.toMillis())
        // cloudcore's close frames reach the relay, which tells the edge.
        .handleCloseFrames(false)
        // close() is a plain close: the relay writes a close frame itself when cloudcore can still
        // take one, and not behind data a stalled cloudcore will never read.
        .sendCloseFrame(null)
        // edgecore sends no Origin; gorilla's default check lets a request without one through.
        .generateOriginHeader(false)
        .build();
  }
}
