package dev.edgetrust.edgehub.testing;

import dev.edgetrust.tls.TlsProtocols;
import dev.edgetrust.x509.HeldCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in CloudHub WebSocket server for EdgeHub tests: mutual TLS against one CA, any path,
 * recording each upgrade (path, headers, client certificate) and every frame a client sends.
 * Answers pings (unless told to fall silent) and can drop every connection or push a text frame.
 */
public final class TestCloudHub implements AutoCloseable {
  /** One WebSocket upgrade request as received, numbered in the order of all events. */
  public record Upgrade(
      long seq,
      String path,
      HttpHeaders headers,
      X509Certificate clientCertificate,
      Channel channel) {}

  /** One frame from a client: its text, or "CLOSE <code>" for a close frame; numbered likewise. */
  public record Frame(long seq, Channel channel, String text) {}

  private final java.util.concurrent.atomic.AtomicLong seq =
      new java.util.concurrent.atomic.AtomicLong();

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Upgrade> upgrades = new CopyOnWriteArrayList<>();
  private final List<Frame> frames = new CopyOnWriteArrayList<>();
  private final Channel server;
  private volatile boolean silent;

  public TestCloudHub(HeldCertificate serverCertificate, X509Certificate clientCa)
      throws Exception {
    SslContext tls =
        SslContextBuilder.forServer(serverCertificate.privateKey(), serverCertificate.chain())
            .trustManager(clientCa)
            .clientAuth(ClientAuth.REQUIRE)
            .protocols(TlsProtocols.supported())
            .build();
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    clients.add(ch);
                    ch.pipeline()
                        .addLast(tls.newHandler(ch.alloc()))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new UpgradeRecorder())
                        .addLast(new PingSwallower())
                        .addLast(
                            new WebSocketServerProtocolHandler(
                                WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath("/")
                                    .checkStartsWith(true)
                                    .handleCloseFrames(false)
                                    .build()))
                        .addLast(new FrameRecorder());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public List<Upgrade> upgrades() {
    return upgrades;
  }

  public List<Frame> frames() {
    return frames;
  }

  /** Stops answering pings (and sends nothing), as a CloudHub behind a dead link would. */
  public void fallSilent(boolean on) {
    silent = on;
  }

  /** Drops every client connection at the TCP level, without a close frame. */
  public void disconnectAll() {
    // Closing from the first handler skips the WebSocket handler, which would send a close frame.
    for (Channel client : clients) {
      client.pipeline().firstContext().close().awaitUninterruptibly();
    }
  }

  /** Closes the latest session with a WebSocket close frame, as the CloudHub's notices do. */
  public void closeLatest(int code, String reason) {
    upgrades
        .get(upgrades.size() - 1)
        .channel()
        .writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(code, reason))
        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
  }

  /** Sends {@code text} as one text frame on the channel of the latest upgrade. */
  public void sendToLatest(String text) {
    upgrades.get(upgrades.size() - 1).channel().writeAndFlush(new TextWebSocketFrame(text));
  }

  private final class UpgradeRecorder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof FullHttpRequest request) {
        X509Certificate peer =
            (X509Certificate)
                ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates()[0];
        upgrades.add(
            new Upgrade(
                seq.incrementAndGet(),
                request.uri(),
                request.headers().copy(),
                peer,
                ctx.channel()));
      }
      super.channelRead(ctx, msg);
    }
  }

  private final class PingSwallower extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (silent && msg instanceof PingWebSocketFrame) {
        ReferenceCountUtil.release(msg);
        return;
      }
      super.channelRead(ctx, msg);
    }
  }

  private final class FrameRecorder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof TextWebSocketFrame text) {
          frames.add(new Frame(seq.incrementAndGet(), ctx.channel(), text.text()));
        } else if (msg instanceof CloseWebSocketFrame close) {
          frames.add(
              new Frame(seq.incrementAndGet(), ctx.channel(), "CLOSE " + close.statusCode()));
          ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
              .addListener(f -> ctx.close());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    clients.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
