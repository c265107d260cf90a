package dev.edgetrust.bench.load;

import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.NodeName;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLSession;

/**
 * A cheap edge for load: opens {@code wss://<server>/<project>/<node>/events} with edgecore's
 * headers over mutual TLS, optionally sends edgecore's keepalive and a ping every heartbeat, and
 * drops whatever the CloudHub sends (or hands it to a handler of the caller's). Many of them share
 * one event loop group; none of the EdgeHub's queueing, renewal or reconnect machinery is here.
 */
public final class WebSocketDialer {
  private static final String PROJECT = "e632aba927ea4ac2b575ec1603d56f10";

  private final EventLoopGroup group;
  private final InetSocketAddress server;
  private final Duration heartbeat;
  private final boolean resetOnClose;

  /**
   * @param heartbeat keepalive interval, or null for none (a connection that closes at once)
   * @param resetOnClose close with a TCP reset (SO_LINGER 0), so that a client opening thousands of
   *     short connections leaves no TIME_WAIT ports behind
   */
  public WebSocketDialer(
      EventLoopGroup group, InetSocketAddress server, Duration heartbeat, boolean resetOnClose) {
    this.group = group;
    this.server = server;
    this.heartbeat = heartbeat;
    this.resetOnClose = resetOnClose;
  }

  /**
   * Opens a session as {@code node}.
   *
   * @param tls makes the TLS handler for the new channel (it decides the certificate presented)
   * @param local the source address, or null for the system's choice
   * @return completes with the channel once the upgrade is answered with 101, or exceptionally
   */
  public CompletableFuture<Channel> open(
      NodeName node, Function<Channel, SslHandler> tls, InetSocketAddress local) {
    return open(node, tls, local, Optional.empty());
  }

  /**
   * As {@link #open(NodeName, Function, InetSocketAddress)}, with {@code inbound} last in the
   * pipeline: it gets every frame the server sends (a session that looks at its answers) instead of
   * their being dropped.
   */
  public CompletableFuture<Channel> open(
      NodeName node,
      Function<Channel, SslHandler> tls,
      InetSocketAddress local,
      Optional<ChannelHandler> inbound) {
    CompletableFuture<Channel> opened = new CompletableFuture<>();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("tls", tls.apply(ch))
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(64 << 10))
                        .addLast(new WebSocketClientProtocolHandler(config(node)))
                        .addLast(new Session(opened, inbound.isPresent()));
                    inbound.ifPresent(h -> ch.pipeline().addLast(h));
                  }
                });
    if (resetOnClose) {
      bootstrap.option(ChannelOption.SO_LINGER, 0);
    }
    ChannelFuture connect =
        local == null ? bootstrap.connect(server) : bootstrap.connect(server, local);
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            opened.completeExceptionally(f.cause());
          }
        });
    return opened;
  }

  private WebSocketClientProtocolConfig config(NodeName node) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("node_id", node.value());
    headers.set("project_id", PROJECT);
    // cloudcore starts its read loop only for exactly "msg" ("str" = raw data): anything else and
    // nothing reads the socket (DESIGN.md §3).
    headers.set("ConnectionUse", "msg");
    return WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(
            URI.create(
                "wss://"
                    + server.getHostString()
                    + ":"
                    + server.getPort()
                    + "/"
                    + PROJECT
                    + "/"
                    + node.value()
                    + "/events"))
        .version(WebSocketVersion.V13)
        .customHeaders(headers)
        .handshakeTimeoutMillis(30_000)
        .generateOriginHeader(false)
        .build();
  }

  /**
   * The TLS version and cipher suite a channel negotiated, e.g. {@code TLSv1.3
   * TLS_AES_128_GCM_SHA256}.
   */
  public static String negotiated(Channel channel) {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return "?";
    }
    SSLSession session = ssl.engine().getSession();
    return session.getProtocol() + " " + session.getCipherSuite();
  }

  /** Completes the open future, keeps the heartbeat, drops inbound frames. */
  private final class Session extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Channel> opened;
    private final boolean forward;
    private ScheduledFuture<?> beat;

    Session(CompletableFuture<Channel> opened, boolean forward) {
      this.opened = opened;
      this.forward = forward;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        if (heartbeat != null) {
          long every = heartbeat.toMillis();
          // Spread over the interval, as a fleet that did not all boot in the same second is.
          beat =
              ctx.executor()
                  .scheduleAtFixedRate(
                      () -> beat(ctx),
                      ThreadLocalRandom.current().nextLong(every),
                      every,
                      TimeUnit.MILLISECONDS);
        }
        opened.complete(ctx.channel());
      } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        opened.completeExceptionally(
            new java.util.concurrent.TimeoutException("WebSocket upgrade timed out"));
        ctx.close();
      }
      super.userEventTriggered(ctx, evt);
    }

    private void beat(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) {
        ctx.write(new TextWebSocketFrame(MessageCodec.encodeFrame(Message.keepalive())));
        ctx.writeAndFlush(new PingWebSocketFrame());
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (forward) {
        ctx.fireChannelRead(msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (beat != null) {
        beat.cancel(false);
      }
      opened.completeExceptionally(new ClosedChannelException());
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      opened.completeExceptionally(cause);
      ctx.close();
    }
  }
}
