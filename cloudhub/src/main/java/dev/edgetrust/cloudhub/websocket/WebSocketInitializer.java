package dev.edgetrust.cloudhub.websocket;

import dev.edgetrust.cloudhub.config.Limits;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.gateway.UpstreamGateway;
import dev.edgetrust.cloudhub.http.ConnectionDeadline;
import dev.edgetrust.cloudhub.http.TlsHandshakeLogger;
import dev.edgetrust.cloudhub.identity.Identifier;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.netty.WebSocketServerPipeline;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The WebSocket server's pipeline: mutual TLS, keepalive timeout, HTTP upgrade with the node's
 * identity checked, then KubeEdge messages.
 */
public final class WebSocketInitializer extends ChannelInitializer<SocketChannel> {
  /** KubeEdge messages carry pod specs and config maps; a few MiB is generous, unbounded is not. */
  public static final int MAX_MESSAGE_BYTES = 4 << 20;

  private static final int MAX_UPGRADE_REQUEST_BYTES = 16 << 10;

  private final Supplier<SslContext> tls;
  private final SessionRegistry registry;
  private final CloudHubListener listener;
  private final WebSocketServerPipeline wire;
  private final Clock clock;
  private final Identifier identifier;
  private final Function<X509Certificate, Optional<Refusal>> admission;
  private final HubMetrics metrics;
  private final Limits limits;
  private final Optional<UpstreamGateway> gateway;
  private final CertificateExpiry.Closer expired;

  /**
   * @param identifier which node a client certificate speaks for
   * @param admission why a client certificate may not open a session now (revoked, blocked)
   * @param metrics counts handshakes and refusals
   * @param limits the TLS handshake timeout and the deadline for the upgrade
   * @param gateway when present, admitted sessions are relayed to cloudcore through it
   * @param expired ends a session whose client certificate has expired (relayed ones too)
   */
  public WebSocketInitializer(
      Supplier<SslContext> tls,
      SessionRegistry registry,
      CloudHubListener listener,
      Duration keepaliveInterval,
      Duration writeTimeout,
      Clock clock,
      Identifier identifier,
      Function<X509Certificate, Optional<Refusal>> admission,
      HubMetrics metrics,
      Limits limits,
      Optional<UpstreamGateway> gateway,
      CertificateExpiry.Closer expired) {
    this.expired = expired;
    this.limits = limits;
    this.gateway = gateway;
    this.identifier = identifier;
    this.admission = admission;
    this.metrics = metrics;
    this.tls = tls;
    this.registry = registry;
    this.listener = listener;
    this.wire =
        new WebSocketServerPipeline(
            keepaliveInterval, writeTimeout, MAX_UPGRADE_REQUEST_BYTES, MAX_MESSAGE_BYTES);
    this.clock = clock;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    // The context is read per connection: a reloaded certificate serves the next handshake.
    // The peer's address goes into the engine, so a refused handshake can say who it was.
    SslHandler ssl =
        tls.get()
            .newHandler(
                ch.alloc(), ch.remoteAddress().getHostString(), ch.remoteAddress().getPort());
    ssl.setHandshakeTimeoutMillis(limits.tlsHandshakeTimeout().toMillis());
    p.addLast("tls", ssl);
    p.addLast(
        "handshake-log",
        new TlsHandshakeLogger("WebSocket", HubMetrics.Listener.WEBSOCKET, metrics));
    wire.addHttp(p);
    p.addLast("authenticate", new UpgradeAuthenticator(registry, identifier, admission, metrics));
    wire.addUpgrade(p);
    // From the first byte to a completed upgrade, however slowly the bytes come.
    p.addLast(
        "upgrade-deadline", ConnectionDeadline.untilUpgrade(limits.requestTimeout(), "WebSocket"));
    wire.addMessages(p);
    p.addLast("session", new SessionHandler(registry, listener, clock, gateway, expired));
  }
}
