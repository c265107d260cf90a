package dev.edgetrust.cloudhub;

import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.admin.AdminApi;
import dev.edgetrust.cloudhub.bootstrap.BootstrapRateLimiters;
import dev.edgetrust.cloudhub.bootstrap.BootstrapHandler;
import dev.edgetrust.cloudhub.bootstrap.BootstrapInitializer;
import dev.edgetrust.cloudhub.bootstrap.ExternalPkiNotice;
import dev.edgetrust.cloudhub.gateway.UpstreamGateway;
import dev.edgetrust.cloudhub.gateway.UpstreamSettings;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.metrics.HubState;
import dev.edgetrust.cloudhub.metrics.MeteredPkiProvider;
import dev.edgetrust.cloudhub.metrics.MetricsServer;
import dev.edgetrust.cloudhub.metrics.PrometheusHubMetrics;
import dev.edgetrust.cloudhub.revocation.NodeAccess;
import dev.edgetrust.cloudhub.websocket.Session;
import dev.edgetrust.cloudhub.websocket.SessionRegistry;
import dev.edgetrust.cloudhub.websocket.WebSocketInitializer;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.credential.KeyCertificateView;
import dev.edgetrust.message.Message;
import dev.edgetrust.pki.BootstrapEnrollment;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.revocation.RevocationList;
import dev.edgetrust.x509.HeldCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running CloudHub: the HTTPS bootstrap server (built-in CA only) and the mutual-TLS WebSocket
 * server, with the registry of live node sessions; revocation and blocks checked at every
 * handshake and against live sessions ({@link NodeAccess}); and, when configured, the admin API
 * and the metrics listener ({@code /metrics}, {@code /healthz}, {@code /readyz}).
 */
public final class CloudHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CloudHub.class);

  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final ExecutorService signing;
  private final SessionRegistry registry;
  private final ServerTls tls;
  private final CredentialReloader reloader;
  private final Channel websocket;
  private final Channel bootstrap;
  private final ChannelGroup connections;
  // Revocation, blocks and the admin API.
  private final NodeAccess access;
  private final AdminApi adminApi;
  private final Channel admin;
  private final Channel metrics;

  private CloudHub(
      EventLoopGroup acceptors,
      EventLoopGroup workers,
      ExecutorService signing,
      SessionRegistry registry,
      ServerTls tls,
      CredentialReloader reloader,
      Channel websocket,
      Channel bootstrap,
      ChannelGroup connections,
      NodeAccess access,
      AdminApi adminApi,
      Channel admin,
      Channel metrics) {
    this.metrics = metrics;
    this.acceptors = acceptors;
    this.workers = workers;
    this.signing = signing;
    this.registry = registry;
    this.tls = tls;
    this.reloader = reloader;
    this.websocket = websocket;
    this.bootstrap = bootstrap;
    this.connections = connections;
    this.access = access;
    this.adminApi = adminApi;
    this.admin = admin;
  }

  /**
   * Starts a CloudHub. With a provider that offers a KubeEdge bootstrap (the built-in CA) the
   * server certificate is issued here when needed; otherwise it must already be in {@code
   * tlsCertFile}/{@code tlsPrivateKeyFile}.
   *
   * @throws CloudHubException with a one-line reason: unreadable files, a port in use, ...
   */
  public static CloudHub start(
      CloudHubSettings settings, PkiProvider pki, CloudHubListener listener, Clock clock)
      throws CloudHubException {
    // Metrics off (the default): nothing is wrapped and every report goes to a no-op.
    PrometheusHubMetrics prometheus = settings.metrics().enabled() ? new PrometheusHubMetrics(clock) : null;
    HubMetrics meter = prometheus == null ? HubMetrics.NONE : prometheus;
    PkiProvider provider = prometheus == null ? pki : new MeteredPkiProvider(pki, prometheus);
    HeldCertificate server = serverCertificate(settings, provider, clock);
    SessionRegistry registry = new SessionRegistry(settings.nodeLimit());
    NodeAccess access = NodeAccess.start(settings.revocation(), provider, registry, clock, meter);
    AdminApi adminApi = null;
    ServerTls tls;
    try {
      adminApi = settings.admin().enabled() ? AdminApi.create(settings.admin(), access, clock) : null;
      tls = ServerTls.of(server, trustAnchors(settings, provider), access::trustManager);
    } catch (CloudHubException | PkiException | SSLException e) {
      access.close();
      if (adminApi != null) {
        adminApi.close();
      }
      throw e instanceof CloudHubException c ? c : new CloudHubException("cannot set up TLS: " + e.getMessage(), e);
    }

    EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    ExecutorService signing = Executors.newFixedThreadPool(2, daemonThreads("edgetrust-signing"));
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    Channel ws = null;
    Channel https = null;
    Channel adminChannel = null;
    Channel metricsChannel = null;
    Optional<UpstreamGateway> gateway = Optional.empty();
    try {
      if (settings.upstream().isPresent()) {
        gateway = Optional.of(upstreamGateway(settings.upstream().get(), settings, workers, meter));
      }
      if (settings.websocketAddress() != null) {
        ws = bind(acceptors, workers, connections, settings.websocketAddress(), settings.websocketPort(), "websocket",
            new WebSocketInitializer(tls::websocket, registry, listener, settings.keepaliveInterval(),
                settings.writeTimeout(), clock, access::admission, meter, settings.limits(), gateway));
      }
      Optional<BootstrapEnrollment> enrollment = provider.bootstrap();
      CloudHubSettings.BootstrapRateLimit rate = settings.limits().bootstrapRateLimit();
      BootstrapRateLimiters rateLimiter = rate == null ? null : BootstrapRateLimiters.of(rate, System::nanoTime);
      if (settings.httpsAddress() != null && enrollment.isPresent()) {
        BootstrapHandler.IssuanceListener issuance = (node, certificate, renewal) -> {
          access.issued(node, certificate);
          meter.issued(renewal);
          listener.onIssued(node, certificate, renewal);
        };
        https = bind(acceptors, workers, connections, settings.httpsAddress(), settings.httpsPort(), "https",
            new BootstrapInitializer(tls::bootstrap,
                () -> new BootstrapHandler(enrollment.get(), provider, settings.edgeCertSigningDuration(),
                    settings.joinTokens(), issuance, signing, enrollmentGate(access), meter),
                meter, settings.limits(), rateLimiter));
      } else if (settings.httpsAddress() != null) {
        // Nodes that still call /ca.crt or /edge.crt learn why they get nothing, in one line.
        https = bind(acceptors, workers, connections, settings.httpsAddress(), settings.httpsPort(), "https",
            new BootstrapInitializer(tls::bootstrap, () -> new ExternalPkiNotice(provider.name()), meter, settings.limits(),
                rateLimiter));
      }
      if (adminApi != null) {
        adminChannel = bind(acceptors, workers, connections, settings.admin().address(), settings.admin().port(), "admin",
            adminApi.initializer(meter));
      }
      if (prometheus != null) {
        HubState state = new LiveState(registry, tls, access, ws, https, adminChannel);
        prometheus.observe(state);
        metricsChannel = bind(acceptors, workers, connections, settings.metrics().address(), settings.metrics().port(),
            "metrics", new MetricsServer(prometheus, state, clock));
      }
    } catch (CloudHubException e) {
      close(ws);
      close(https);
      close(adminChannel);
      close(metricsChannel);
      shutdown(acceptors, workers, signing);
      access.close();
      if (adminApi != null) {
        adminApi.close();
      }
      throw e;
    }
    CredentialReloader reloader =
        new CredentialReloader(
            KeyCertificateView.of(settings.serverKeyFile(), settings.serverCertificateFile()),
            settings.caCertificateFile(), tls, clock, settings.credentialPollInterval());
    reloader.reportTo(meter);
    if (settings.reconnectWindow() != null) {
      reloader.onNewServerCertificate(() -> spreadReconnects(registry, settings.reconnectWindow(), clock));
    }
    reloader.start();
    CloudHub hub = new CloudHub(acceptors, workers, signing, registry, tls, reloader, ws, https, connections,
        access, adminApi, adminChannel, metricsChannel);
    log.info(
        "CloudHub started: websocket {}{}, bootstrap {}, admin {}, metrics {}, PKI {}, server certificate serial {}",
        ws == null ? "off" : ws.localAddress(),
        gateway.map(g -> " (gateway: sessions relayed to the upstream " + g.server() + ")").orElse(""),
        https == null ? "off" : https.localAddress(),
        adminChannel == null ? "off" : adminChannel.localAddress(),
        metricsChannel == null ? "off" : "http:/" + metricsChannel.localAddress() + "/metrics",
        provider.name(),
        server.serialHex());
    return hub;
  }

  /** The gateway to cloudcore: its TLS files must load, but cloudcore need not be reachable now. */
  private static UpstreamGateway upstreamGateway(
      UpstreamSettings upstream, CloudHubSettings settings, EventLoopGroup workers, HubMetrics meter)
      throws CloudHubException {
    try {
      return UpstreamGateway.start(upstream, settings.writeTimeout(), settings.keepaliveInterval(), workers, meter);
    } catch (CredentialFileException e) {
      throw new CloudHubException("modules.cloudHub.upstream: " + e.getMessage(), e);
    }
  }

  /**
   * Asks every session that began before a server-certificate rotation to reconnect, each at a
   * random moment within {@code window}: nodes then verify the new certificate, and a thousand of
   * them do not all come back in the same second.
   */
  private static void spreadReconnects(SessionRegistry registry, java.time.Duration window, Clock clock) {
    java.time.Instant rotatedAt = clock.instant();
    List<Session> before = registry.all().stream().filter(s -> s.connectedAt().isBefore(rotatedAt)).toList();
    log.info("server certificate rotated: {} live session(s) will reconnect within {}", before.size(), window);
    for (Session session : before) {
      long delay = java.util.concurrent.ThreadLocalRandom.current().nextLong(window.toMillis() + 1);
      session.closeAfter(java.time.Duration.ofMillis(delay), WebSocketCloseStatus.ENDPOINT_UNAVAILABLE,
          "server certificate rotated; reconnect");
    }
  }

  /** Blocks and names in use, as {@link NodeAccess} keeps them, for the bootstrap. */
  private static BootstrapHandler.EnrollmentGate enrollmentGate(NodeAccess access) {
    return new BootstrapHandler.EnrollmentGate() {
      @Override
      public Optional<String> refusal(NodeName node, boolean renewal, String who) {
        return access.enrollmentRefusal(node, renewal, who);
      }

      @Override
      public Optional<String> reserve(NodeName node, String who) {
        return access.reserveEnrollment(node, who);
      }

      @Override
      public void release(NodeName node) {
        access.releaseEnrollment(node);
      }
    };
  }

  /**
   * The CAs client certificates must chain to. The built-in CA knows its own; with an external PKI
   * {@code tlsCAFile} alone is the trust bundle (the certificate agent keeps it current, and it is
   * reloaded like the server certificate), so the CloudHub starts even while the PKI is away.
   */
  private static List<X509Certificate> trustAnchors(CloudHubSettings settings, PkiProvider provider)
      throws PkiException, CloudHubException {
    if (provider.bootstrap().isPresent()) {
      return provider.trustAnchors();
    }
    try {
      return KeyCertificateFiles.readCertificates(settings.caCertificateFile());
    } catch (CredentialFileException e) {
      throw new CloudHubException(
          e.getMessage() + ": with an external PKI, tlsCAFile must hold its CA (the certificate agent writes it)", e);
    }
  }

  private static HeldCertificate serverCertificate(CloudHubSettings settings, PkiProvider provider, Clock clock)
      throws CloudHubException {
    try {
      if (provider.bootstrap().isPresent()) {
        return ServerCertificate.ensure(settings, provider, clock);
      }
      // With an external PKI the certificate agent writes these files: the CloudHub only looks,
      // so that it can never "finish" a swap the agent is in the middle of.
      return KeyCertificateView.of(settings.serverKeyFile(), settings.serverCertificateFile())
          .peek()
          .orElseThrow(
              () ->
                  new CloudHubException(
                      "no server certificate at " + settings.serverCertificateFile()
                          + ": with an external PKI the certificate agent must write it first",
                      null));
    } catch (CredentialFileException e) {
      throw new CloudHubException(e.getMessage(), e);
    } catch (IOException e) {
      throw new CloudHubException("cannot write the server certificate: " + e.getMessage(), e);
    } catch (PkiException e) {
      throw new CloudHubException("cannot obtain a server certificate from the " + provider.name() + " PKI: " + e.getMessage(), e);
    }
  }

  private static Channel bind(
      EventLoopGroup acceptors,
      EventLoopGroup workers,
      ChannelGroup connections,
      String address,
      int port,
      String name,
      ChannelInitializer<SocketChannel> initializer)
      throws CloudHubException {
    try {
      return new ServerBootstrap()
          .group(acceptors, workers)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                  connections.add(ch);
                  ch.pipeline().addLast(initializer);
                }
              })
          .bind(address, port)
          .sync()
          .channel();
    } catch (Exception e) {
      String reason = e instanceof BindException ? "address already in use (is another CloudHub running?)" : e.getMessage();
      throw new CloudHubException("cannot listen for " + name + " on " + address + ":" + port + ": " + reason, e);
    } catch (Throwable t) {
      throw new CloudHubException("cannot listen for " + name + " on " + address + ":" + port + ": " + t, t);
    }
  }

  /** Where the WebSocket server listens (the bound port when 0 was configured). */
  public Optional<InetSocketAddress> websocketAddress() {
    return Optional.ofNullable(websocket).map(c -> (InetSocketAddress) c.localAddress());
  }

  /** Where the HTTPS bootstrap server listens, if it runs. */
  public Optional<InetSocketAddress> bootstrapAddress() {
    return Optional.ofNullable(bootstrap).map(c -> (InetSocketAddress) c.localAddress());
  }

  /** Where the admin API listens, if it runs. */
  public Optional<InetSocketAddress> adminAddress() {
    return Optional.ofNullable(admin).map(c -> (InetSocketAddress) c.localAddress());
  }

  /** Where the metrics listener ({@code /metrics}, {@code /healthz}, {@code /readyz}) listens, if it runs. */
  public Optional<InetSocketAddress> metricsAddress() {
    return Optional.ofNullable(metrics).map(c -> (InetSocketAddress) c.localAddress());
  }

  /** Revocation state, blocks and the node list: what the admin API drives. */
  public NodeAccess nodeAccess() {
    return access;
  }

  /** The certificate new handshakes are served. */
  public X509Certificate serverCertificate() {
    return tls.server().certificate();
  }

  /**
   * Checks the server certificate and CA files now (they are also watched) and serves changed,
   * valid ones from the next handshake on.
   *
   * @return true if new credentials went into service
   */
  public boolean reloadCredentials() {
    return reloader.reloadIfChanged() == CredentialReloader.Outcome.RELOADED;
  }

  /**
   * Sends {@code message} to {@code node}.
   *
   * @return false if the node has no session
   */
  public boolean send(NodeName node, Message message) {
    Optional<Session> session = registry.get(node);
    session.ifPresent(s -> s.send(message));
    return session.isPresent();
  }

  /** The live sessions, by node name. */
  public List<SessionInfo> sessions() {
    return registry.all().stream().map(Session::info).sorted(Comparator.comparing(SessionInfo::node)).toList();
  }

  public Optional<SessionInfo> session(NodeName node) {
    return registry.get(node).map(Session::info);
  }

  /** Closes {@code node}'s live session, if it has one. */
  public boolean disconnect(NodeName node, String reason) {
    Optional<Session> session = registry.get(node);
    session.ifPresent(s -> s.close(WebSocketCloseStatus.POLICY_VIOLATION, reason));
    return session.isPresent();
  }

  @Override
  public void close() {
    reloader.close();
    close(websocket);
    close(bootstrap);
    close(admin);
    close(metrics);
    registry.all().forEach(s -> s.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "CloudHub is shutting down"));
    // Close every connection while the executors still run, so no callback lands on a dead one.
    connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    shutdown(acceptors, workers, signing);
    if (adminApi != null) {
      adminApi.close();
    }
    access.close();
    log.info("CloudHub stopped");
  }

  /** What the metrics listener reads from this hub, at the moment of each request. */
  private record LiveState(
      SessionRegistry registry, ServerTls tls, NodeAccess access, Channel websocket, Channel bootstrap, Channel admin)
      implements HubState {
    @Override
    public List<SessionInfo> sessions() {
      return registry.all().stream().map(Session::info).toList();
    }

    @Override
    public X509Certificate serverCertificate() {
      return tls.server().certificate();
    }

    @Override
    public Optional<RevocationList> revocationList() {
      return access.revocationList();
    }

    @Override
    public Optional<String> revocationFailingClosed() {
      return access.failingClosed();
    }

    @Override
    public List<String> listenersDown() {
      List<String> down = new java.util.ArrayList<>();
      if (websocket != null && !websocket.isActive()) {
        down.add("websocket");
      }
      if (bootstrap != null && !bootstrap.isActive()) {
        down.add("bootstrap");
      }
      if (admin != null && !admin.isActive()) {
        down.add("admin");
      }
      return down;
    }
  }

  private static void close(Channel channel) {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
  }

  private static void shutdown(EventLoopGroup acceptors, EventLoopGroup workers, ExecutorService signing) {
    acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    acceptors.terminationFuture().syncUninterruptibly();
    workers.terminationFuture().syncUninterruptibly();
    signing.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
