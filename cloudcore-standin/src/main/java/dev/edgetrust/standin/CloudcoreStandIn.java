package dev.edgetrust.standin;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.tls.TlsProtocols;
import dev.edgetrust.x509.HeldCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test support: a server that behaves as cloudcore v1.15's CloudHub on its WebSocket port, for what
 * a gateway in front of it can observe.
 *
 * <ul>
 *   <li>Mutual TLS that checks only the chain: any client certificate of its CA is accepted,
 *       whatever it names.
 *   <li>One handler for the path {@code /} and everything under it: the path is ignored.
 *   <li>The node is the {@code node_id} header (header names in any case).
 *   <li>Its read loop runs only for {@code ConnectionUse: msg} exactly; with any other value
 *       nothing reads the socket.
 *   <li>Keepalive: a session with no keepalive message for {@code keepaliveInterval} is closed at
 *       the TCP level, without a close frame. Only keepalives count, not other messages.
 *   <li>Writes as gorilla's {@code WriteJSON}: JSON and a newline, one text frame. Answers each
 *       message from the edge that is not itself a response with {@code operation: "response"} and
 *       {@code parent_msg_id} set.
 * </ul>
 *
 * <p>A test and demo aid, not part of the CloudHub anyone runs: the gateway's tests, {@code
 * edgetrust demo --gateway} and {@code edgetrust bench relay} need an upstream that behaves exactly
 * as cloudcore, and a real cloudcore needs a Kubernetes cluster. Anything it does that cloudcore
 * does not is a bug in it. Knobs for tests: hold upgrades (a slow dial), drop a node's TCP
 * connection, stop reading.
 */
public final class CloudcoreStandIn implements AutoCloseable {
  /** An upgrade request as cloudcore received it. */
  public record Upgrade(String uri, HttpHeaders headers) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  /** A frame from a node, as the bytes arrived. */
  public record Received(String node, String text) {
    public Message message() {
      return MessageCodec.decode(text);
    }
  }

  /** What it keeps of the traffic for a test to look at. */
  public enum Recording {
    /** Every upgrade request and every frame from a node (tests, the demo). */
    EVERYTHING,
    /** Nothing: a bench relays millions of messages, and keeping them would be what it measures. */
    NOTHING
  }

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Channel server;
  private final Duration keepaliveInterval;
  private final Map<String, Channel> sessions = new ConcurrentHashMap<>();
  private final Recording recording;
  private final BlockingQueue<Upgrade> upgrades = new LinkedBlockingQueue<>();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
  private volatile boolean holdUpgrades;
  private final List<Runnable> held = new CopyOnWriteArrayList<>();

  private CloudcoreStandIn(
      HeldCertificate serverCertificate,
      List<X509Certificate> clientCas,
      Duration keepaliveInterval,
      Recording recording)
      throws Exception {
    this.keepaliveInterval = keepaliveInterval;
    this.recording = recording;
    SslContext tls =
        SslContextBuilder.forServer(serverCertificate.privateKey(), serverCertificate.chain())
            .sslProvider(SslProvider.JDK)
            .protocols(TlsProtocols.supported())
            .trustManager(clientCas)
            .clientAuth(ClientAuth.REQUIRE)
            .build();
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new Initializer(tls))
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  /**
   * Listens on 127.0.0.1, an ephemeral port, recording everything.
   *
   * @param serverCertificate what it presents; a gateway checks that it names the address it dials
   * @param clientCas the CAs a client certificate must chain to (cloudcore's own CA)
   * @param keepaliveInterval cloudcore's {@code keepaliveInterval}: no keepalive for this long and
   *     the TCP connection is closed
   */
  public static CloudcoreStandIn start(
      HeldCertificate serverCertificate,
      List<X509Certificate> clientCas,
      Duration keepaliveInterval)
      throws Exception {
    return start(serverCertificate, clientCas, keepaliveInterval, Recording.EVERYTHING);
  }

  public static CloudcoreStandIn start(
      HeldCertificate serverCertificate,
      List<X509Certificate> clientCas,
      Duration keepaliveInterval,
      Recording recording)
      throws Exception {
    return new CloudcoreStandIn(serverCertificate, clientCas, keepaliveInterval, recording);
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  public boolean connected(String node) {
    Channel c = sessions.get(node);
    return c != null && c.isActive();
  }

  /** How many nodes have a session open. */
  public int sessionCount() {
    return sessions.size();
  }

  /** Upgrade requests as they arrived (with {@link Recording#EVERYTHING}). */
  public BlockingQueue<Upgrade> upgrades() {
    return upgrades;
  }

  /** Frames from nodes as they arrived (with {@link Recording#EVERYTHING}). */
  public BlockingQueue<Received> received() {
    return received;
  }

  /** Nodes whose connection closed, in order (with {@link Recording#EVERYTHING}). */
  public BlockingQueue<String> closed() {
    return closed;
  }

  /** Sends {@code text} to {@code node} in one text frame, as it is. */
  public void send(String node, String text) {
    sessions.get(node).writeAndFlush(new TextWebSocketFrame(text));
  }

  /**
   * Closes {@code node}'s TCP connection without a close frame, as cloudcore's keepalive check
   * does.
   */
  public void dropTcp(String node) {
    sessions.get(node).close();
  }

  /** Stops reading {@code node}'s socket: a cloudcore that takes nothing more. */
  public void stopReading(String node) {
    sessions.get(node).config().setAutoRead(false);
  }

  public void resumeReading(String node) {
    sessions.get(node).config().setAutoRead(true);
  }

  /** Upgrades from now on wait until {@link #releaseUpgrades()}. */
  public void holdUpgrades() {
    holdUpgrades = true;
  }

  public void releaseUpgrades() {
    holdUpgrades = false;
    List<Runnable> waiting = new ArrayList<>(held);
    held.clear();
    waiting.forEach(Runnable::run);
  }

  /** How many upgrade requests wait. */
  public int heldUpgrades() {
    return held.size();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Initializer extends ChannelInitializer<SocketChannel> {
    private final SslContext tls;

    Initializer(SslContext tls) {
      this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
      ch.pipeline().addLast(tls.newHandler(ch.alloc()));
      ch.pipeline().addLast(new HttpServerCodec());
      ch.pipeline().addLast(new HttpObjectAggregator(64 << 10));
      ch.pipeline().addLast(new UpgradeRecorder());
      // cloudcore registers "/" on its mux: every path is served by the same handler.
      ch.pipeline()
          .addLast(
              new WebSocketServerProtocolHandler(
                  WebSocketServerProtocolConfig.newBuilder()
                      .websocketPath("/")
                      .checkStartsWith(true)
                      .handleCloseFrames(true)
                      // close() closes TCP with no close frame, as cloudcore does.
                      .sendCloseFrame(null)
                      .decoderConfig(
                          io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig.newBuilder()
                              .maxFramePayloadLength(8 << 20)
                              .build())
                      .build()));
      ch.pipeline().addLast(new WebSocketFrameAggregator(8 << 20));
      ch.pipeline().addLast(new NodeSession());
    }
  }

  /** Records each upgrade request; holds it while upgrades are held. */
  private final class UpgradeRecorder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest request) {
        if (recording == Recording.EVERYTHING) {
          upgrades.add(new Upgrade(request.uri(), request.headers().copy()));
        }
        if (holdUpgrades) {
          held.add(new Release(ctx, request));
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }
  }

  private record Release(ChannelHandlerContext ctx, FullHttpRequest request) implements Runnable {
    @Override
    public void run() {
      ctx.executor().execute(() -> ctx.fireChannelRead(request));
    }
  }

  /** One node's session: the read loop, the keepalive check, the answers. */
  private final class NodeSession extends SimpleChannelInboundHandler<WebSocketFrame> {
    private String node;
    private ScheduledFuture<?> keepalive;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
        node = done.requestHeaders().get("node_id");
        sessions.put(node, ctx.channel());
        if (!"msg".equals(done.requestHeaders().get("ConnectionUse"))) {
          // cloudcore starts no read loop for anything but "msg": nothing reads this socket.
          ctx.channel().config().setAutoRead(false);
        }
        armKeepalive(ctx);
      }
      super.userEventTriggered(ctx, evt);
    }

    private void armKeepalive(ChannelHandlerContext ctx) {
      if (keepalive != null) {
        keepalive.cancel(false);
      }
      // TCP closed, no close frame: what cloudcore does to a node that stopped sending keepalives.
      keepalive =
          ctx.executor()
              .schedule(
                  () -> ctx.channel().close(), keepaliveInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (!(frame instanceof TextWebSocketFrame) && !(frame instanceof BinaryWebSocketFrame)) {
        return;
      }
      String text = frame.content().toString(StandardCharsets.UTF_8);
      if (recording == Recording.EVERYTHING) {
        received.add(new Received(node, text));
      }
      Message message;
      try {
        message = MessageCodec.decode(text);
      } catch (IllegalArgumentException e) {
        return;
      }
      if (message.isKeepalive()) {
        armKeepalive(ctx);
      } else if (!message.isEmpty() && !message.isResponse()) {
        ctx.writeAndFlush(
            new TextWebSocketFrame(
                MessageCodec.encodeFrame(message.response(TextNode.valueOf("OK")))));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (keepalive != null) {
        keepalive.cancel(false);
      }
      if (node != null) {
        sessions.remove(node, ctx.channel());
        if (recording == Recording.EVERYTHING) {
          closed.add(node);
        }
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
