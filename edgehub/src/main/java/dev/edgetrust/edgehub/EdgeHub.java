package dev.edgetrust.edgehub;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.enrollment.BootstrapIssuer;
import dev.edgetrust.edgehub.enrollment.CertificateIssuer;
import dev.edgetrust.edgehub.enrollment.CredentialManager;
import dev.edgetrust.edgehub.enrollment.Enrollment;
import dev.edgetrust.edgehub.enrollment.EnrollmentException;
import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import dev.edgetrust.edgehub.enrollment.PkiIssuer;
import dev.edgetrust.edgehub.enrollment.RenewalWindow;
import dev.edgetrust.edgehub.enrollment.TokenSource;
import dev.edgetrust.edgehub.gateway.EdgeGateway;
import dev.edgetrust.edgehub.gateway.GatewayException;
import dev.edgetrust.edgehub.metrics.EdgeMetrics;
import dev.edgetrust.edgehub.metrics.EdgeMetricsServer;
import dev.edgetrust.message.Message;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge side of the CloudHub link, as KubeEdge's EdgeHub behaves: gets a certificate (enrolling
 * with the join token when there is none), keeps one WebSocket session to the CloudHub, sends
 * keepalives, reconnects with jittered backoff, and renews the certificate at a random point
 * between 70% and 90% of its lifetime, moving to a new session on the new certificate without
 * losing a queued message.
 *
 * <p>A facade over three parts, each owning one thread's state:
 *
 * <ul>
 *   <li>{@link CredentialLifecycle} — enroll, renew at the renewal window, retry, enroll anew when
 *       the CloudHub retires the certificate; on its own thread (the blocking work: file I/O, HTTPS
 *       enrollment). It publishes the certificate in use through {@link CurrentCredentials}.
 *   <li>{@link CloudLink} — connect, reconnect, the live session, what a session's end says about
 *       the certificate; on the Netty event loop.
 *   <li>{@link Outbox} — the send queue, its flush and the {@code messageQPS} rate limit; on the
 *       same event loop, taking messages from any thread.
 * </ul>
 *
 * <p>They meet only through hops onto each other's thread and the immutable {@link
 * CurrentCredentials} snapshot; the {@link StatusBoard} is the one part both threads call.
 * Listeners are called on those threads and must neither block nor call {@link #close()}.
 *
 * <p>Its length (over 400 lines) is the facade's documented surface, not logic: the {@link
 * Builder}'s options, and the order in which {@link #start()} and {@link #close()} bring the parts
 * up and down (which is the one thing a reader must see in one place). The parts above hold the
 * logic.
 *
 * <p>With {@code modules.edgeHub.gateway}, the {@link EdgeGateway} serves a local stock edgecore on
 * the same event loop: cloud messages go to it as well as to the listener, its messages go to the
 * same outbox as {@link #send}'s, and the session's ups and downs are told to it.
 *
 * <pre>{@code
 * EdgeHub hub = EdgeHub.builder(EdgeHubSettings.load(Path.of("edgecore.yaml")))
 *     .onMessage(m -> ...)
 *     .onStatus(s -> ...)
 *     .build();
 * hub.start();
 * hub.send(Message.create(route, content));
 * hub.close();
 * }</pre>
 */
public final class EdgeHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgeHub.class);

  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  private final EdgeHubSettings settings;
  private final Clock clock;

  /** Empty when the loop is borrowed from a group the caller owns (and shuts down). */
  private final Optional<EventLoopGroup> ownGroup;

  private final EventLoop loop;
  private final EdgeMetrics metrics;
  private final Outbox outbox;
  private final StatusBoard status;
  private final CredentialLifecycle lifecycle;
  private final CloudLink link;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Set in start() before any session exists; read from any thread. */
  private volatile Optional<EdgeGateway> gateway = Optional.empty();

  /** The listener for {@code /metrics}, only with modules.edgeHub.metrics; set in start(). */
  private volatile Optional<EdgeMetricsServer> metricsServer = Optional.empty();

  private EdgeHub(Builder b) {
    this.settings = b.settings;
    this.clock = b.clock;
    this.metrics = new EdgeMetrics(clock);
    CertificateIssuer issuer = b.issuer != null ? b.issuer : bootstrapIssuer(settings, clock);
    CredentialManager credentials =
        new CredentialManager(
            settings.nodeName(), settings.caFile(), settings.credentialFiles(), issuer, clock);
    if (b.eventLoopGroup.isEmpty()) {
      EventLoopGroup own =
          new MultiThreadIoEventLoopGroup(
              1,
              new DefaultThreadFactory("edgehub-" + settings.nodeName()),
              NioIoHandler.newFactory());
      this.ownGroup = Optional.of(own);
      this.loop = own.next();
    } else {
      this.ownGroup = Optional.empty();
      this.loop = b.eventLoopGroup.get().next();
    }
    CurrentCredentials current = new CurrentCredentials();
    this.outbox =
        new Outbox(
            loop,
            b.queueCapacity,
            new SendRateLimiter(settings.messageQps(), settings.messageBurst(), System::nanoTime));
    this.status = new StatusBoard(settings.nodeName(), current, outbox, metrics);
    b.statusListener.ifPresent(status::addListener);
    this.lifecycle =
        new CredentialLifecycle(
            settings, credentials, b.renewalWindow, current, status, metrics, new ToLink(), clock);
    this.link =
        new CloudLink(loop, settings, current, lifecycle, outbox, status, b.messageListener, clock);
  }

  /** The lifecycle's news, handed to the link (which hops onto the event loop). */
  private final class ToLink implements CredentialLifecycle.Listener {
    @Override
    public void adopted(boolean rotated) {
      link.credentialsAdopted(rotated);
    }
  }

  public static Builder builder(EdgeHubSettings settings) {
    return new Builder(settings);
  }

  private static CertificateIssuer bootstrapIssuer(EdgeHubSettings settings, Clock clock) {
    if (settings.pki().isPresent()) {
      // The EdgeHub depends on no PKI; whoever starts it wires the PKI's issuer in (the CLI does).
      String name = settings.pki().get().provider();
      throw new IllegalArgumentException(
          settings.source()
              + ": modules.edgeHub."
              + name
              + " is enabled, but no "
              + Character.toUpperCase(name.charAt(0))
              + name.substring(1)
              + " issuer was given to the EdgeHub");
    }
    Enrollment enrollment =
        new Enrollment(
            settings.httpServer(),
            settings.nodeName(),
            settings.caFile(),
            settings.credentialFiles(),
            settings.websocket().handshakeTimeout(),
            clock);
    return new BootstrapIssuer(
        settings.nodeName(),
        new TokenSource(settings.token(), settings.tokenFile()),
        enrollment,
        settings.source(),
        clock);
  }

  /** Options beyond the configuration file; all optional. */
  public static final class Builder {
    private final EdgeHubSettings settings;
    private Consumer<Message> messageListener = m -> {};
    private Optional<Consumer<EdgeHubStatus>> statusListener = Optional.empty();
    private RenewalWindow renewalWindow;
    private CertificateIssuer issuer;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private Optional<EventLoopGroup> eventLoopGroup = Optional.empty();
    private Clock clock = Clock.systemUTC();

    private Builder(EdgeHubSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Called with each message from the CloudHub, on the event loop: must not block. */
    public Builder onMessage(Consumer<Message> listener) {
      this.messageListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Called with each status change; must neither block nor call close(). */
    public Builder onStatus(Consumer<EdgeHubStatus> listener) {
      this.statusListener = Optional.of(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * When in a certificate's lifetime it is renewed: unless changed here (tests, demo), 70% to
     * 90%, or the window of the PKI the node asks itself ({@code
     * modules.edgeHub.vault.renewalWindow}, 2/3 to 3/4, with Vault).
     */
    public Builder renewalWindow(RenewalWindow window) {
      this.renewalWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /**
     * Where certificates come from. Default: the CloudHub's bootstrap with the join token. Required
     * when a PKI's edge section ({@code modules.edgeHub.vault}) is enabled: a {@link PkiIssuer}
     * over that PKI's {@link dev.edgetrust.pki.NodeIssuance}.
     */
    public Builder issuer(CertificateIssuer issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** How many messages {@link #send} holds before refusing more (default 1024). */
    public Builder queueCapacity(int messages) {
      if (messages <= 0) {
        throw new IllegalArgumentException("queueCapacity must be greater than 0, was " + messages);
      }
      this.queueCapacity = messages;
      return this;
    }

    /**
     * Runs this EdgeHub's sessions on one loop of {@code group} instead of a thread of its own: for
     * a process that holds many EdgeHubs (a simulator, a load test), where a thread each would be
     * absurd. The caller owns the group and shuts it down after closing every EdgeHub on it. The
     * listeners then run on that shared loop, so blocking in one stalls its neighbours.
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.eventLoopGroup = Optional.of(Objects.requireNonNull(group, "group"));
      return this;
    }

    /**
     * The clock certificate lifetimes are judged by (default: the system clock). Tests give an edge
     * a clock that is ahead or behind the CloudHub's without touching the machine's.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the settings enable a PKI's edge section but no {@link
     *     #issuer} was given
     */
    public EdgeHub build() {
      if (renewalWindow == null) {
        renewalWindow =
            settings
                .pki()
                .map(p -> new RenewalWindow(p.renewalFrom(), p.renewalTo()))
                .orElse(RenewalWindow.DEFAULT);
      }
      return new EdgeHub(this);
    }
  }

  /**
   * Gets credentials (from disk, or by enrolling) and starts connecting; returns without waiting
   * for the connection. If the CloudHub cannot be reached, or a {@code tokenFile} may still get a
   * token, it keeps trying in the background (state {@link ConnectionState#ENROLLING}).
   *
   * @throws EdgeHubException when waiting cannot help: no token and no token file, a CA hash
   *     mismatch, a refused token, unusable credential files. The message is one line.
   */
  public void start() throws EdgeHubException {
    if (closed.get()) {
      throw new IllegalStateException("this EdgeHub is closed");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("this EdgeHub is already started");
    }
    for (Path secret : settings.secretFiles()) {
      try {
        SecretFiles.requireOwnerOnly(secret);
      } catch (CredentialFileException e) {
        // Before anything else: a loose key must stop the node, not send it re-enrolling forever.
        close();
        throw new EdgeHubException(e.getMessage(), e);
      }
    }
    log.info(
        "EdgeHub for node {} starting: CloudHub {}, certificates from {}",
        settings.nodeName(),
        settings.webSocketUri(),
        settings.pki().isPresent() ? lifecycle.issuerDescription() : settings.httpServer());
    if (settings.metricsPort().isPresent()) {
      try {
        EdgeMetricsServer server =
            EdgeMetricsServer.start(loop, settings.metricsPort().getAsInt(), metrics);
        metricsServer = Optional.of(server);
        log.info("node {}: metrics at http:/{}/metrics", settings.nodeName(), server.address());
      } catch (IOException e) {
        close();
        throw new EdgeHubException(
            settings.source() + ": modules.edgeHub.metrics: " + e.getMessage(), e);
      }
    }
    if (settings.gateway().isPresent()) {
      startGateway();
    }
    try {
      lifecycle.start();
    } catch (EnrollmentException e) {
      close();
      throw new EdgeHubException(e.getMessage(), e);
    }
  }

  private void startGateway() throws EdgeHubException {
    try {
      EdgeGateway local =
          EdgeGateway.create(
              loop,
              settings.gateway().orElseThrow(),
              settings.nodeName(),
              outbox,
              settings.websocket().writeDeadline(),
              clock);
      gateway = Optional.of(local);
      link.attach(local);
      local.start();
    } catch (GatewayException e) {
      close();
      throw new EdgeHubException(settings.source() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The local gateway for a stock edgecore, when {@code modules.edgeHub.gateway} is enabled and
   * started.
   */
  public Optional<EdgeGateway> gateway() {
    return gateway;
  }

  /**
   * Queues {@code message} for the CloudHub. It stays queued across disconnects and is dropped from
   * the queue only once written to a session.
   *
   * @return false if the queue is full or the EdgeHub is closed; the message was not taken
   */
  public boolean send(Message message) {
    Objects.requireNonNull(message, "message");
    return !closed.get() && outbox.send(message);
  }

  /** The latest status, with the queue length as of now. */
  public EdgeHubStatus status() {
    return status.current();
  }

  public void addStatusListener(Consumer<EdgeHubStatus> listener) {
    status.addListener(listener);
  }

  public void removeStatusListener(Consumer<EdgeHubStatus> listener) {
    status.removeListener(listener);
  }

  /** Where {@code /metrics} is served, when {@code modules.edgeHub.metrics} is enabled. */
  public Optional<InetSocketAddress> metricsAddress() {
    return metricsServer.map(EdgeMetricsServer::address);
  }

  /** The settings this EdgeHub runs with. */
  public EdgeHubSettings settings() {
    return settings;
  }

  /**
   * Renews the certificate now rather than at its scheduled point (the demo, an operator's
   * request); then reconnects on it as a scheduled renewal does. If it fails, the usual retries
   * follow and the future completes exceptionally with the {@link EnrollmentException}.
   */
  public CompletableFuture<NodeCredentials> renewNow() {
    if (!started.get() || closed.get()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the EdgeHub is not running"));
    }
    return lifecycle.renewNow();
  }

  /**
   * Says goodbye to the CloudHub as edgecore does (the empty message, then a close frame) and
   * stops. Messages still queued are dropped (and counted in the log).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    outbox.close();
    lifecycle.close();
    // The local edgecore hears the gateway stop before the upstream session goes.
    gateway.ifPresent(EdgeGateway::close);
    Optional<ChannelFuture> goodbye = Optional.empty();
    try {
      Future<Optional<ChannelFuture>> stopping = link.stop();
      Future<?> outboxStopped = loop.submit(outbox::stop);
      if (!loop.inEventLoop()
          && stopping.awaitUninterruptibly(5, TimeUnit.SECONDS)
          && stopping.isSuccess()) {
        goodbye = stopping.getNow();
        outboxStopped.awaitUninterruptibly(1, TimeUnit.SECONDS);
      }
    } catch (RejectedExecutionException e) {
      // The loop is already gone.
    }
    goodbye.ifPresent(
        g -> g.awaitUninterruptibly(settings.websocket().writeDeadline().toMillis() + 1000));
    int dropped = outbox.queued();
    if (dropped > 0) {
      log.warn(
          "node {}: closing with {} message(s) not yet sent; they are dropped",
          settings.nodeName(),
          dropped);
    }
    status.publish(ConnectionState.CLOSED);
    metricsServer.ifPresent(EdgeMetricsServer::close);
    ownGroup.ifPresent(
        group -> {
          Future<?> shutdown = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
          if (!loop.inEventLoop()) {
            shutdown.awaitUninterruptibly(5, TimeUnit.SECONDS);
          }
        });
    log.info("EdgeHub for node {} closed", settings.nodeName());
  }
}
