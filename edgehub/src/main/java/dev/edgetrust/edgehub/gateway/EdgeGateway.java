package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.edgehub.config.GatewaySettings;
import dev.edgetrust.message.Message;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.tls.TlsProtocols;
import dev.edgetrust.x509.HeldCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EdgeHub as a cloudcore-compatible server for one local stock edgecore ({@code
 * modules.edgeHub.gateway}): on 127.0.0.1 only, it serves edgecore's bootstrap from a local CA and
 * its WebSocket session, and relays that session over the EdgeHub's own session to the CloudHub.
 *
 * <p>Runs on the EdgeHub's event loop (no thread of its own). The EdgeHub calls {@link
 * #upstreamOpened()}, {@link #upstreamClosed(String)} and {@link #fromCloud(Message)} on that loop;
 * {@link #start()} and {@link #close()} from outside it.
 */
public final class EdgeGateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgeGateway.class);

  /**
   * How long the token written at start lets a local edgecore join: 2 × cloudcore's default 12 h.
   */
  public static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

  private final EventLoop loop;
  private final GatewaySettings settings;
  private final LocalCa ca;
  private final LocalRelay relay;
  private final LocalInitializer initializer;
  private final Clock clock;
  private Optional<Channel> websocket = Optional.empty();
  private Optional<Channel> https = Optional.empty();

  private EdgeGateway(
      EventLoop loop,
      GatewaySettings settings,
      LocalCa ca,
      LocalRelay relay,
      LocalInitializer initializer,
      Clock clock) {
    this.loop = loop;
    this.settings = settings;
    this.ca = ca;
    this.relay = relay;
    this.initializer = initializer;
    this.clock = clock;
  }

  /**
   * Loads (or makes) the local CA for {@code node}; listens nowhere yet.
   *
   * @param writeDeadline how long a write to the local edgecore (and its TLS handshake) may take
   * @throws GatewayException one line naming the file: see {@link LocalCa#loadOrCreate}
   */
  public static EdgeGateway create(
      EventLoop loop,
      GatewaySettings settings,
      NodeName node,
      Upstream upstream,
      Duration writeDeadline,
      Clock clock)
      throws GatewayException {
    LocalCa ca = LocalCa.loadOrCreate(settings, node, clock);
    SslContext tls;
    try {
      tls = serverTls(ca);
    } catch (SSLException e) {
      throw new GatewayException(
          "modules.edgeHub.gateway: cannot set up TLS with the local CA: " + e.getMessage(), e);
    }
    LocalRelay relay = new LocalRelay(node, upstream, settings.maxBufferedBytes());
    LocalInitializer initializer =
        new LocalInitializer(tls, ca, relay, settings.keepaliveInterval(), writeDeadline, clock);
    return new EdgeGateway(loop, settings, ca, relay, initializer, clock);
  }

  /**
   * The local listeners' TLS: the local CA's server identity; a client certificate from it
   * optional.
   */
  static SslContext serverTls(LocalCa ca) throws SSLException {
    HeldCertificate server = ca.serverIdentity();
    return SslContextBuilder.forServer(server.privateKey(), server.chain())
        .sslProvider(SslProvider.JDK)
        .protocols(TlsProtocols.supported())
        .trustManager(ca.certificate())
        // Optional: a joining edgecore has no certificate yet; the upgrade check requires one.
        .clientAuth(ClientAuth.OPTIONAL)
        .build();
  }

  /**
   * Writes a fresh local join token and listens on 127.0.0.1 at {@code port} and {@code httpsPort}.
   * Must not be called on the event loop (it waits for the binds).
   *
   * @throws GatewayException one line naming the key: a port in use, an unwritable token file
   */
  public void start() throws GatewayException {
    JoinToken token = LocalJoinTokens.mint(ca, clock.instant().plus(TOKEN_LIFETIME));
    try {
      AtomicFile.writeSecret(
          settings.tokenFile(), token.value().getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new GatewayException(
          "modules.edgeHub.gateway.directory: cannot write the local join token "
              + settings.tokenFile()
              + ": "
              + AtomicFile.describeFailure(e),
          e);
    }
    websocket = Optional.of(bind("port", settings.port()));
    https = Optional.of(bind("httpsPort", settings.httpsPort()));
    log.info(
        "node {}: local gateway for a stock edgecore on wss://127.0.0.1:{} (bootstrap https://127.0.0.1:{}),"
            + " local CA SHA-256 {}; its join token (valid until {}) is in {}",
        ca.node(),
        websocketAddress().orElseThrow().getPort(),
        httpsAddress().orElseThrow().getPort(),
        ca.hash(),
        clock.instant().plus(TOKEN_LIFETIME),
        settings.tokenFile());
  }

  private Channel bind(String key, int port) throws GatewayException {
    InetAddress loopback;
    try {
      // Literally 127.0.0.1: edgecore checks the server certificate's IP SAN against what it dials.
      loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
    ChannelFuture bound =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .childHandler(initializer)
            .bind(loopback, port)
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      close();
      throw new GatewayException(
          "modules.edgeHub.gateway."
              + key
              + ": cannot listen on 127.0.0.1:"
              + port
              + ": "
              + bound.cause().getMessage(),
          bound.cause());
    }
    return bound.channel();
  }

  /** Where the local edgecore's WebSocket server listens, once started. */
  public Optional<InetSocketAddress> websocketAddress() {
    return websocket.map(c -> (InetSocketAddress) c.localAddress());
  }

  /** Where {@code /ca.crt} and {@code /edge.crt} are served, once started. */
  public Optional<InetSocketAddress> httpsAddress() {
    return https.map(c -> (InetSocketAddress) c.localAddress());
  }

  public LocalCa ca() {
    return ca;
  }

  /** A new local join token for the local edgecore's {@code modules.edgeHub.token}. */
  public JoinToken mintToken(Duration lifetime) {
    return LocalJoinTokens.mint(ca, clock.instant().plus(lifetime));
  }

  // ---- the seam with the EdgeHub, on its event loop ----

  /** The node's session to the CloudHub is up: local sessions are admitted. */
  public void upstreamOpened() {
    relay.upstreamOpened();
  }

  /**
   * The node's session to the CloudHub ended: the local session is closed, so edgecore reconnects.
   */
  public void upstreamClosed(String reason) {
    relay.upstreamClosed(reason);
  }

  /** A message from the CloudHub for the local edgecore. */
  public void fromCloud(Message message) {
    relay.fromCloud(message);
  }

  /** Whether a local edgecore session is up. Not on the event loop: it asks the loop and waits. */
  public boolean localConnectedNow() {
    return onLoop(new LocalConnected());
  }

  /** Bytes of cloud messages held for a local edgecore that is away. Not on the event loop. */
  public long heldNow() {
    return onLoop(new HeldBytes());
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> question) {
    try {
      return loop.submit(question).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  private final class LocalConnected implements java.util.concurrent.Callable<Boolean> {
    @Override
    public Boolean call() {
      return relay.local().isPresent();
    }
  }

  private final class HeldBytes implements java.util.concurrent.Callable<Long> {
    @Override
    public Long call() {
      return relay.held();
    }
  }

  /** Closes the local session (1001) and stops listening. Idempotent. */
  @Override
  public void close() {
    if (loop.inEventLoop()) {
      relay.stop();
    } else if (!loop.isShuttingDown()) {
      loop.submit(relay::stop).awaitUninterruptibly();
    }
    websocket.ifPresent(EdgeGateway::closeListener);
    https.ifPresent(EdgeGateway::closeListener);
  }

  private static void closeListener(Channel listener) {
    ChannelFuture closing = listener.close();
    if (!listener.eventLoop().inEventLoop()) {
      closing.awaitUninterruptibly();
    }
  }
}
