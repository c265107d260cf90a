package dev.edgetrust.cloudhub;

import dev.edgetrust.cloudhub.admin.AdminApi;
import dev.edgetrust.cloudhub.bootstrap.BootstrapHandler;
import dev.edgetrust.cloudhub.bootstrap.BootstrapInitializer;
import dev.edgetrust.cloudhub.bootstrap.BootstrapRateLimiters;
import dev.edgetrust.cloudhub.bootstrap.ExternalPkiNotice;
import dev.edgetrust.cloudhub.bootstrap.MigrationEnrollment;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.StatePaths;
import dev.edgetrust.cloudhub.config.UpstreamSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.gateway.UpstreamGateway;
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
import dev.edgetrust.x509.HeldCertificate;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running CloudHub: the HTTPS bootstrap server (built-in CA only) and the mutual-TLS WebSocket
 * server, with the registry of live node sessions; revocation and blocks checked at every handshake
 * and against live sessions ({@link NodeAccess}); and, when configured, the admin API and the
 * metrics listener ({@code /metrics}, {@code /healthz}, {@code /readyz}).
 *
 * <p>Over 400 lines because it is the composition root: {@link #start} wires every part and undoes
 * what it started when a later part fails, and the accessors tests and the CLI read (addresses,
 * sessions, certificates) sit beside it. Splitting it into a list of listeners is issue 22's {@code
 * i22-shape} work, which this file's config change leaves to that branch.
 */
public final class CloudHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CloudHub.class);

  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final ExecutorService signing;
  private final SessionRegistry registry;
  private final ServerTls tls;
  private final CredentialReloader reloader;
  private final Listeners listeners;
  // Revocation, blocks and the admin API.
  private final NodeAccess access;
  private final Optional<AdminApi> adminApi;

  private CloudHub(
      EventLoopGroup acceptors,
      EventLoopGroup workers,
      ExecutorService signing,
      SessionRegistry registry,
      ServerTls tls,
      CredentialReloader reloader,
      Listeners listeners,
      NodeAccess access,
      Optional<AdminApi> adminApi) {
    this.acceptors = acceptors;
    this.workers = workers;
    this.signing = signing;
    this.registry = registry;
    this.tls = tls;
    this.reloader = reloader;
    this.listeners = listeners;
    this.access = access;
    this.adminApi = adminApi;
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
    StatePaths.of(settings).requireWritable();
    List<String> notServed = settings.enabledButNotServed();
    if (!notServed.isEmpty()) {
      log.warn(
          "modules.cloudHub enables {}, which edgetrust does not serve: ignored",
          String.join(", ", notServed));
    }
    // Metrics off (the default): nothing is wrapped and every report goes to a no-op.
    Optional<PrometheusHubMetrics> prometheus =
        settings.metrics().enabled()
            ? Optional.of(new PrometheusHubMetrics(clock))
            : Optional.empty();
    HubMetrics meter = prometheus.<HubMetrics>map(p -> p).orElse(HubMetrics.NONE);
    PkiProvider provider =
        prometheus.<PkiProvider>map(p -> new MeteredPkiProvider(pki, p)).orElse(pki);
    HeldCertificate server = serverCertificate(settings, provider, clock);
    SessionRegistry registry = new SessionRegistry(settings.nodeLimit());
    List<X509Certificate> anchors;
    try {
      anchors = trustAnchors(settings, provider);
    } catch (PkiException e) {
      throw new CloudHubException("cannot set up TLS: " + e.getMessage(), e);
    }
    // Before any listener accepts: the revocation state kept by the last run is in force from the
    // first handshake, even while the PKI is away.
    NodeAccess access =
        NodeAccess.start(
            settings.revocation(), settings.migration(), provider, registry, clock, meter, anchors);
    Optional<AdminApi> adminApi = Optional.empty();
    ServerTls tls;
    try {
      if (settings.admin().enabled()) {
        adminApi = Optional.of(AdminApi.create(settings.admin(), access, clock));
      }
      tls = ServerTls.of(server, anchors, access::trustManager);
    } catch (CloudHubException | SSLException e) {
      access.close();
      adminApi.ifPresent(AdminApi::close);
      throw e instanceof CloudHubException c
          ? c
          : new CloudHubException("cannot set up TLS: " + e.getMessage(), e);
    }

    EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    ExecutorService signing = Executors.newFixedThreadPool(2, daemonThreads("edgetrust-signing"));
    Listeners listeners = new Listeners(acceptors, workers);
    Optional<UpstreamGateway> gateway = Optional.empty();
    try {
      if (settings.upstream().isPresent()) {
        gateway = Optional.of(upstreamGateway(settings.upstream().get(), settings, workers, meter));
      }
      List<Listener> all = new ArrayList<>();
      websocket(settings, tls, registry, listener, clock, access, meter, gateway)
          .ifPresent(all::add);
      bootstrap(
              settings,
              tls,
              provider,
              new IssuanceRecorder(access, meter, listener),
              signing,
              access,
              meter,
              clock)
          .ifPresent(all::add);
      adminApi
          .map(
              api ->
                  new Listener(
                      "admin",
                      settings.admin().address(),
                      settings.admin().port(),
                      api.initializer(meter)))
          .ifPresent(all::add);
      if (prometheus.isPresent()) {
        HubState state = new LiveHubState(registry, tls, access, listeners);
        prometheus.get().observe(state);
        all.add(
            new Listener(
                "metrics",
                settings.metrics().address(),
                settings.metrics().port(),
                new MetricsServer(prometheus.get(), state, clock)));
      }
      listeners.bind(all);
    } catch (CloudHubException e) {
      shutdown(acceptors, workers, signing);
      access.close();
      adminApi.ifPresent(AdminApi::close);
      throw e;
    }
    CredentialReloader reloader =
        new CredentialReloader(
            KeyCertificateView.of(settings.serverKeyFile(), settings.serverCertificateFile()),
            settings.caCertificateFile(),
            tls,
            clock,
            settings.credentialPollInterval());
    reloader.reportTo(meter);
    settings
        .reconnectWindow()
        .ifPresent(
            window ->
                reloader.onNewServerCertificate(() -> spreadReconnects(registry, window, clock)));
    reloader.start();
    CloudHub hub =
        new CloudHub(
            acceptors, workers, signing, registry, tls, reloader, listeners, access, adminApi);
    log.info(
        "CloudHub started: websocket {}{}, bootstrap {}, admin {}, metrics {}, PKI {}, server certificate serial {}",
        hub.websocketAddress().map(String::valueOf).orElse("off"),
        gateway
            .map(g -> " (gateway: sessions relayed to the upstream " + g.server() + ")")
            .orElse(""),
        hub.bootstrapAddress().map(String::valueOf).orElse("off"),
        hub.adminAddress().map(String::valueOf).orElse("off"),
        hub.metricsAddress().map(a -> "http:/" + a + "/metrics").orElse("off"),
        provider.name(),
        server.serialHex());
    return hub;
  }

  /** The node-facing WebSocket listener, if it is on. */
  private static Optional<Listener> websocket(
      CloudHubSettings settings,
      ServerTls tls,
      SessionRegistry registry,
      CloudHubListener listener,
      Clock clock,
      NodeAccess access,
      HubMetrics meter,
      Optional<UpstreamGateway> gateway) {
    if (!settings.websocket().enabled()) {
      return Optional.empty();
    }
    return Optional.of(
        new Listener(
            "websocket",
            settings.websocket().address(),
            settings.websocket().port(),
            new WebSocketInitializer(
                tls::websocket,
                registry,
                listener,
                settings.keepaliveInterval(),
                settings.writeTimeout(),
                clock,
                access.identifier(),
                access::admission,
                meter,
                settings.limits(),
                gateway,
                access::certificateExpired)));
  }

  /**
   * The HTTPS bootstrap listener, if it is on: {@code /ca.crt} and {@code /edge.crt} with a
   * provider that offers the KubeEdge bootstrap; otherwise a one-line notice, so that nodes that
   * still call them learn why they get nothing.
   */
  private static Optional<Listener> bootstrap(
      CloudHubSettings settings,
      ServerTls tls,
      PkiProvider provider,
      IssuanceRecorder issuance,
      ExecutorService signing,
      NodeAccess access,
      HubMetrics meter,
      Clock clock) {
    if (!settings.https().enabled()) {
      return Optional.empty();
    }
    Optional<BootstrapRateLimiters> rateLimiter =
        settings
            .https()
            .bootstrapRateLimit()
            .map(rate -> BootstrapRateLimiters.of(rate, System::nanoTime));
    Optional<BootstrapEnrollment> enrollment =
        provider
            .bootstrap()
            .map(
                own ->
                    settings
                        .migration()
                        .<BootstrapEnrollment>map(m -> new MigrationEnrollment(own, m, clock))
                        .orElse(own));
    Supplier<ChannelHandler> handler =
        enrollment.isPresent()
            ? () ->
                new BootstrapHandler(
                    enrollment.get(),
                    provider,
                    settings.edgeCertSigningDuration(),
                    settings.joinTokens(),
                    issuance,
                    signing,
                    access.enrollmentGate(),
                    access.identifier(),
                    meter)
            : () -> new ExternalPkiNotice(provider.name());
    return Optional.of(
        new Listener(
            "https",
            settings.https().address(),
            settings.https().port(),
            new BootstrapInitializer(
                tls::bootstrap, handler, meter, settings.limits(), rateLimiter)));
  }

  /** The gateway to cloudcore: its TLS files must load, but cloudcore need not be reachable now. */
  private static UpstreamGateway upstreamGateway(
      UpstreamSettings upstream,
      CloudHubSettings settings,
      EventLoopGroup workers,
      HubMetrics meter)
      throws CloudHubException {
    try {
      return UpstreamGateway.start(
          upstream, settings.writeTimeout(), settings.keepaliveInterval(), workers, meter);
    } catch (CredentialFileException e) {
      throw new CloudHubException("modules.cloudHub.upstream: " + e.getMessage(), e);
    }
  }

  /**
   * Asks every session that began before a server-certificate rotation to reconnect, each at a
   * random moment within {@code window}: nodes then verify the new certificate, and a thousand of
   * them do not all come back in the same second.
   */
  private static void spreadReconnects(
      SessionRegistry registry, java.time.Duration window, Clock clock) {
    java.time.Instant rotatedAt = clock.instant();
    List<Session> before =
        registry.all().stream().filter(s -> s.connectedAt().isBefore(rotatedAt)).toList();
    log.info(
        "server certificate rotated: {} live session(s) will reconnect within {}",
        before.size(),
        window);
    for (Session session : before) {
      long delay = java.util.concurrent.ThreadLocalRandom.current().nextLong(window.toMillis() + 1);
      session.closeAfter(
          java.time.Duration.ofMillis(delay),
          WebSocketCloseStatus.ENDPOINT_UNAVAILABLE,
          "server certificate rotated; reconnect");
    }
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
          e.getMessage()
              + ": with an external PKI, tlsCAFile must hold its CA (the certificate agent writes it)",
          e);
    }
  }

  private static HeldCertificate serverCertificate(
      CloudHubSettings settings, PkiProvider provider, Clock clock) throws CloudHubException {
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
                      "no server certificate at "
                          + settings.serverCertificateFile()
                          + ": with an external PKI the certificate agent must write it first",
                      null));
    } catch (CredentialFileException e) {
      throw new CloudHubException(e.getMessage(), e);
    } catch (IOException e) {
      throw new CloudHubException("cannot write the server certificate: " + e.getMessage(), e);
    } catch (PkiException e) {
      throw new CloudHubException(
          "cannot obtain a server certificate from the "
              + provider.name()
              + " PKI: "
              + e.getMessage(),
          e);
    }
  }

  /** Where the WebSocket server listens (the bound port when 0 was configured). */
  public Optional<InetSocketAddress> websocketAddress() {
    return listeners.address("websocket");
  }

  /** Where the HTTPS bootstrap server listens, if it runs. */
  public Optional<InetSocketAddress> bootstrapAddress() {
    return listeners.address("https");
  }

  /** Where the admin API listens, if it runs. */
  public Optional<InetSocketAddress> adminAddress() {
    return listeners.address("admin");
  }

  /**
   * Where the metrics listener ({@code /metrics}, {@code /healthz}, {@code /readyz}) listens, if it
   * runs.
   */
  public Optional<InetSocketAddress> metricsAddress() {
    return listeners.address("metrics");
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
   * @return true if new credentials went into service since the last call (or the start), by this
   *     call or by the file watcher just before it
   */
  public boolean reloadCredentials() {
    return reloader.checkNow();
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
    return registry.all().stream()
        .map(Session::info)
        .sorted(Comparator.comparing(SessionInfo::node))
        .toList();
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
    listeners.closeServers();
    registry.all().forEach(s -> s.goAway("CloudHub is shutting down"));
    // Close every connection while the executors still run, so no callback lands on a dead one.
    listeners.closeConnections();
    shutdown(acceptors, workers, signing);
    adminApi.ifPresent(AdminApi::close);
    access.close();
    log.info("CloudHub stopped");
  }

  private static void shutdown(
      EventLoopGroup acceptors, EventLoopGroup workers, ExecutorService signing) {
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
