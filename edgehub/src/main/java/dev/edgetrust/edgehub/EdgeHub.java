package dev.edgetrust.edgehub;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.edgehub.channel.ClientTls;
import dev.edgetrust.edgehub.channel.CloudConnector;
import dev.edgetrust.edgehub.channel.CloudSession;
import dev.edgetrust.edgehub.channel.SessionListener;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.enrollment.BootstrapIssuer;
import dev.edgetrust.edgehub.enrollment.CertificateIssuer;
import dev.edgetrust.edgehub.enrollment.CredentialManager;
import dev.edgetrust.edgehub.enrollment.Enrollment;
import dev.edgetrust.edgehub.enrollment.PkiIssuer;
import dev.edgetrust.edgehub.enrollment.EnrollmentException;
import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import dev.edgetrust.edgehub.enrollment.TokenSource;
import dev.edgetrust.edgehub.gateway.EdgeGateway;
import dev.edgetrust.edgehub.gateway.GatewayException;
import dev.edgetrust.edgehub.gateway.Upstream;
import dev.edgetrust.edgehub.metrics.EdgeMetrics;
import dev.edgetrust.edgehub.metrics.EdgeMetricsServer;
import dev.edgetrust.message.Message;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge side of the CloudHub link, as KubeEdge's EdgeHub behaves: gets a certificate (enrolling
 * with the join token when there is none), keeps one WebSocket session to the CloudHub, sends
 * keepalives, reconnects with jittered backoff, and renews the certificate at a random point
 * between 70% and 90% of its lifetime, moving to a new session on the new certificate without
 * losing a queued message.
 *
 * <p>Threads: one Netty event loop owns the sessions and the send queue; one thread does the
 * blocking credential work (file I/O, HTTPS enrollment). Listeners are called on those threads
 * and must neither block nor call {@link #close()}.
 *
 * <p>With {@code modules.edgeHub.gateway}, the {@link EdgeGateway} serves a local stock edgecore
 * on the same event loop: cloud messages go to it as well as to the listener, its messages go to
 * the same queue as {@link #send}'s, and the session's ups and downs are told to it.
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

  /**
   * How many handshakes in a row the CloudHub must refuse before the node tries to enroll anew.
   * The refusal alert does not say why (revoked, or a CloudHub failing closed for a while), so one
   * is not enough to act on; three, with backoff between them, are seconds, not minutes.
   */
  static final int REFUSALS_BEFORE_REENROLLING = 3;

  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  private final EdgeHubSettings settings;
  private final CredentialManager credentials;
  private final RenewalWindow renewalWindow;
  private final Consumer<Message> messageListener;
  private final List<Consumer<EdgeHubStatus>> statusListeners = new CopyOnWriteArrayList<>();
  private final int queueCapacity;
  private final Semaphore capacity;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final Clock clock;

  /** Null when the loop is borrowed from a group the caller owns (and shuts down). */
  private final EventLoopGroup ownGroup;
  private final EventLoop loop;
  private final ScheduledExecutorService credentialThread;
  private final CloudConnector connector;
  private final SessionListener sessions = new Sessions();

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger rotations = new AtomicInteger();

  // Credentials: written on the credential thread (or in start() before it runs), read anywhere.
  private volatile NodeCredentials current;
  private volatile SslContext tls;
  // Credential thread only.
  private final Backoff credentialBackoff = Backoff.standard();
  private ScheduledFuture<?> renewalTask;
  private String lastCredentialProblem;
  // The credentials the issuer has just handed over (not read from disk), until scheduled.
  private volatile NodeCredentials justIssued;
  // Credentials the CloudHub said are revoked (or the node blocked): never dialled or renewed
  // with again; the node enrolls anew. Set on the event loop, cleared on the credential thread.
  private volatile NodeCredentials revoked;
  private volatile String revokedBecause;

  // Event loop only.
  private final ArrayDeque<Message> unsent = new ArrayDeque<>();
  private final Backoff reconnectBackoff = Backoff.standard();
  private final SendRateLimiter rateLimiter;
  private CloudSession active;
  private CloudSession connecting;
  private Instant activeSince;
  private Future<?> reconnectTask;
  private Future<?> flushTask;
  private String lastConnectProblem;
  /** TLS refusals by the CloudHub in a row with the current certificate (see {@link #judge}). */
  private int refusedInARow;

  private volatile EdgeHubStatus status;

  /**
   * {@code modules.edgeHub.gateway}: the local server for a stock edgecore, relayed over this
   * EdgeHub's session. Set in start() before any session exists; used on the event loop.
   */
  private volatile Optional<EdgeGateway> gateway = Optional.empty();

  // Observability: values are cheap to keep; the listener exists only with modules.edgeHub.metrics.
  private final EdgeMetrics metrics = new EdgeMetrics();
  private volatile EdgeMetricsServer metricsServer;
  /** Credential thread only: the warning due when the certificate is down to 10% of its lifetime. */
  private ScheduledFuture<?> lifetimeWarning;

  private EdgeHub(Builder b) {
    this.settings = b.settings;
    this.renewalWindow = b.renewalWindow;
    this.messageListener = b.messageListener;
    this.queueCapacity = b.queueCapacity;
    this.capacity = new Semaphore(queueCapacity);
    if (b.statusListener != null) {
      statusListeners.add(b.statusListener);
    }
    this.clock = b.clock;
    CertificateIssuer issuer = b.issuer != null ? b.issuer : bootstrapIssuer(settings, clock);
    this.credentials =
        new CredentialManager(settings.nodeName(), settings.caFile(), settings.credentialFiles(), issuer, clock);
    if (b.eventLoopGroup == null) {
      this.ownGroup =
          new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("edgehub-" + settings.nodeName()), NioIoHandler.newFactory());
      this.loop = ownGroup.next();
    } else {
      this.ownGroup = null;
      this.loop = b.eventLoopGroup.next();
    }
    this.credentialThread =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "edgehub-credentials-" + settings.nodeName());
          t.setDaemon(true);
          return t;
        });
    // Every channel of this EdgeHub on its one loop: the session state is confined to it.
    this.connector = new CloudConnector(loop, settings);
    this.rateLimiter = new SendRateLimiter(settings.messageQps(), settings.messageBurst(), System::nanoTime);
    this.status = snapshot(ConnectionState.DISCONNECTED, "not started");
  }

  public static Builder builder(EdgeHubSettings settings) {
    return new Builder(settings);
  }

  private static CertificateIssuer bootstrapIssuer(EdgeHubSettings settings, Clock clock) {
    if (settings.pki().isPresent()) {
      // The EdgeHub depends on no PKI; whoever starts it wires the PKI's issuer in (the CLI does).
      String name = settings.pki().get().provider();
      throw new IllegalArgumentException(settings.source() + ": modules.edgeHub." + name + " is enabled, but no "
          + Character.toUpperCase(name.charAt(0)) + name.substring(1) + " issuer was given to the EdgeHub");
    }
    Enrollment enrollment =
        new Enrollment(settings.httpServer(), settings.nodeName(), settings.caFile(), settings.credentialFiles(),
            settings.handshakeTimeout(), clock);
    return new BootstrapIssuer(settings.nodeName(), new TokenSource(settings.token(), settings.tokenFile()),
        enrollment, settings.source(), clock);
  }

  /** Options beyond the configuration file; all optional. */
  public static final class Builder {
    private final EdgeHubSettings settings;
    private Consumer<Message> messageListener = m -> {};
    private Consumer<EdgeHubStatus> statusListener;
    private RenewalWindow renewalWindow;
    private CertificateIssuer issuer;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private EventLoopGroup eventLoopGroup;
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
      this.statusListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * When in a certificate's lifetime it is renewed: unless changed here (tests, demo), 70% to 90%,
     * or the window of the PKI the node asks itself ({@code modules.edgeHub.vault.renewalWindow}, 2/3
     * to 3/4, with Vault).
     */
    public Builder renewalWindow(RenewalWindow window) {
      this.renewalWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /**
     * Where certificates come from. Default: the CloudHub's bootstrap with the join token. Required
     * when a PKI's edge section ({@code modules.edgeHub.vault}) is enabled: a {@link PkiIssuer} over
     * that PKI's {@link dev.edgetrust.pki.NodeIssuance}.
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
      this.eventLoopGroup = Objects.requireNonNull(group, "group");
      return this;
    }

    /**
     * The clock certificate lifetimes are judged by (default: the system clock). Tests give an
     * edge a clock that is ahead or behind the CloudHub's without touching the machine's.
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
        renewalWindow = settings.pki().map(p -> new RenewalWindow(p.renewalFrom(), p.renewalTo()))
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
    for (java.nio.file.Path secret : settings.secretFiles()) {
      try {
        SecretFiles.requireOwnerOnly(secret);
      } catch (CredentialFileException e) {
        // Before anything else: a loose key must stop the node, not send it re-enrolling forever.
        close();
        throw new EdgeHubException(e.getMessage(), e);
      }
    }
    log.info("EdgeHub for node {} starting: CloudHub {}, certificates from {}", settings.nodeName(),
        settings.webSocketUri(), settings.pki().isPresent() ? credentials.issuer().description() : settings.httpServer());
    if (settings.metricsPort().isPresent()) {
      try {
        metricsServer = EdgeMetricsServer.start(loop, settings.metricsPort().getAsInt(), metrics);
        log.info("node {}: metrics at http:/{}/metrics", settings.nodeName(), metricsServer.address());
      } catch (java.io.IOException e) {
        close();
        throw new EdgeHubException(settings.source() + ": modules.edgeHub.metrics: " + e.getMessage(), e);
      }
    }
    if (settings.gateway().isPresent()) {
      startGateway();
    }
    NodeCredentials obtained;
    try {
      obtained = credentials.obtain();
      adopt(obtained, false);
    } catch (EnrollmentException e) {
      if (!e.isRetryable() && !credentials.tokenMayChange()) {
        close();
        throw new EdgeHubException(e.getMessage(), e);
      }
      onCredentialThread(() -> retryCredentialsLater(e));
    }
  }

  private void startGateway() throws EdgeHubException {
    try {
      EdgeGateway local = EdgeGateway.create(loop, settings.gateway().orElseThrow(), settings.nodeName(), new Outbox(),
          settings.writeDeadline(), clock);
      gateway = Optional.of(local);
      local.start();
    } catch (GatewayException e) {
      close();
      throw new EdgeHubException(settings.source() + ": " + e.getMessage(), e);
    }
  }

  /** The local gateway for a stock edgecore, when {@code modules.edgeHub.gateway} is enabled and started. */
  public Optional<EdgeGateway> gateway() {
    return gateway;
  }

  /** The local edgecore's messages go where {@link #send} puts everyone's: the outbox. */
  private final class Outbox implements Upstream {
    @Override
    public boolean send(Message message) {
      return EdgeHub.this.send(message);
    }
  }

  /**
   * Queues {@code message} for the CloudHub. It stays queued across disconnects and is dropped
   * from the queue only once written to a session.
   *
   * @return false if the queue is full or the EdgeHub is closed; the message was not taken
   */
  public boolean send(Message message) {
    Objects.requireNonNull(message, "message");
    if (closed.get() || !capacity.tryAcquire()) {
      return false;
    }
    try {
      loop.execute(() -> {
        unsent.addLast(message);
        flush();
      });
      return true;
    } catch (RejectedExecutionException e) {
      capacity.release();
      return false;
    }
  }

  /** The latest status, with the queue length as of now. */
  public EdgeHubStatus status() {
    EdgeHubStatus s = status;
    return new EdgeHubStatus(s.state(), s.node(), s.certificateSerial(), s.certificateNotAfter(), s.rotations(),
        queued(), s.detail());
  }

  public void addStatusListener(Consumer<EdgeHubStatus> listener) {
    statusListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeStatusListener(Consumer<EdgeHubStatus> listener) {
    statusListeners.remove(listener);
  }

  /** Where {@code /metrics} is served, when {@code modules.edgeHub.metrics} is enabled. */
  public Optional<java.net.InetSocketAddress> metricsAddress() {
    EdgeMetricsServer server = metricsServer;
    return server == null ? Optional.empty() : Optional.of(server.address());
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
    CompletableFuture<NodeCredentials> result = new CompletableFuture<>();
    if (!started.get() || closed.get()) {
      result.completeExceptionally(new IllegalStateException("the EdgeHub is not running"));
      return result;
    }
    if (current == null) {
      // The first enrollment is still under way or waiting; it must not run twice at once.
      result.completeExceptionally(new IllegalStateException("the node has no certificate to renew yet"));
      return result;
    }
    try {
      credentialThread.execute(() -> renew(result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the EdgeHub is closing"));
    }
    return result;
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
    credentialThread.shutdownNow();
    // The local edgecore hears the gateway stop before the upstream session goes.
    gateway.ifPresent(EdgeGateway::close);
    ChannelFuture goodbye = null;
    try {
      Future<ChannelFuture> closing = loop.submit(() -> {
        cancel(reconnectTask);
        cancel(flushTask);
        if (connecting != null) {
          connecting.channel().close();
        }
        return active != null ? active.closeGracefully() : null;
      });
      if (!loop.inEventLoop() && closing.awaitUninterruptibly(5, TimeUnit.SECONDS) && closing.isSuccess()) {
        goodbye = closing.getNow();
      }
    } catch (RejectedExecutionException e) {
      // The loop is already gone.
    }
    if (goodbye != null) {
      goodbye.awaitUninterruptibly(settings.writeDeadline().toMillis() + 1000);
    }
    int dropped = queued();
    if (dropped > 0) {
      log.warn("node {}: closing with {} message(s) not yet sent; they are dropped", settings.nodeName(), dropped);
    }
    publish(ConnectionState.CLOSED, null);
    EdgeMetricsServer server = metricsServer;
    if (server != null) {
      server.close();
    }
    if (ownGroup != null) {
      Future<?> shutdown = ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      if (!loop.inEventLoop()) {
        shutdown.awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
    log.info("EdgeHub for node {} closed", settings.nodeName());
  }

  // ---- credentials (credential thread, and start()) ----

  /** Makes {@code next} the credentials in use and reconnects on them if they are a renewal. */
  private void adopt(NodeCredentials next, boolean rotated) throws EnrollmentException {
    SslContext context;
    try {
      context = ClientTls.context(next);
    } catch (SSLException e) {
      throw EnrollmentException.refused(
          "cannot use the certificate " + settings.certificateFile() + " for TLS: " + e.getMessage());
    }
    current = next;
    tls = context;
    metrics.certificate(next.held().notAfter());
    if (rotated) {
      rotations.incrementAndGet();
      metrics.renewed(clock.instant());
    }
    onCredentialThread(() -> scheduleRenewal(next));
    try {
      loop.execute(() -> credentialsChanged(rotated));
    } catch (RejectedExecutionException closing) {
      // close() got there first.
    }
  }

  /** Runs {@code task} on the credential thread, unless the EdgeHub is closing. */
  private void onCredentialThread(Runnable task) {
    try {
      credentialThread.execute(task);
    } catch (RejectedExecutionException closing) {
      // close() shut the thread down; nothing is left to do.
    }
  }

  private void scheduleOnCredentialThread(Runnable task, long delayMillis, String what) {
    try {
      renewalTask = credentialThread.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      log.debug("node {}: not scheduling {}: closing", settings.nodeName(), what);
    }
  }

  /** A tenth of the lifetime, at least a second: how soon a fresh certificate may be renewed. */
  static Duration minimumRenewalDelay(Instant notBefore, Instant notAfter) {
    Duration tenth = Duration.between(notBefore, notAfter).dividedBy(10);
    return tenth.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : tenth;
  }

  /**
   * Plans the renewal of {@code credentials} (and the warning due if it has not happened by 90% of
   * the lifetime), and says so in one line: serial, expiry, time left, next renewal. Runs at start
   * and after every renewal, so the log always tells when the certificate in use ends.
   */
  private void scheduleRenewal(NodeCredentials credentials) {
    cancel(renewalTask);
    cancel(lifetimeWarning);
    if (closed.get()) {
      return;
    }
    Instant start = this.credentials.issuer().lifetimeStart(credentials.held());
    Instant notAfter = credentials.held().notAfter();
    Instant now = clock.instant();
    Instant at = settings.rotateCertificates() ? renewalWindow.pick(start, notAfter, random) : null;
    if (at != null) {
      long delay = Math.max(0, Duration.between(now, at).toMillis());
      Duration floor = minimumRenewalDelay(start, notAfter);
      if (credentials == justIssued && delay < floor.toMillis()) {
        // A certificate that is due for renewal the moment it arrives: this node's clock is ahead
        // of the CA's by most of a lifetime. Renewing at once would only fetch another one just
        // like it, in a loop; wait a tenth of its lifetime instead.
        log.warn("node {}: certificate serial {} (valid {} to {}) is due for renewal as soon as it was issued, by"
                + " this node's clock ({}): the clock is probably ahead of the CA's; renewing in {} s instead of at once",
            settings.nodeName(), credentials.held().serialHex(), credentials.held().notBefore(), notAfter, now,
            floor.toSeconds());
        delay = floor.toMillis();
        at = now.plus(floor);
      }
      scheduleOnCredentialThread(() -> renew(null), delay, "the renewal");
    }
    metrics.nextRenewal(at);
    log.info("node {}: certificate serial {} valid until {} ({} left); {}", settings.nodeName(),
        credentials.held().serialHex(), notAfter, remaining(Duration.between(now, notAfter)),
        at == null ? "renewal is off (rotateCertificates: false)" : "next renewal at " + at);
    // Queued after the renewal: when both are due at once (an old certificate at start), the
    // renewal runs first, and a successful one leaves nothing to warn about.
    long lifetime = Math.max(0, Duration.between(start, notAfter).toMillis());
    Instant lowAt = start.plusMillis(lifetime - lifetime / 10);
    try {
      lifetimeWarning = credentialThread.schedule(() -> warnIfNotRenewed(credentials),
          Math.max(0, Duration.between(now, lowAt).toMillis()), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // close() got there first.
    }
  }

  /** Once per certificate: it is down to its last 10% and no renewal has replaced it. */
  private void warnIfNotRenewed(NodeCredentials credentials) {
    if (closed.get() || current != credentials) {
      return;
    }
    Instant notAfter = credentials.held().notAfter();
    log.warn("node {}: certificate serial {} has {} left (under 10% of its lifetime, expires {}) and has not been renewed{}",
        settings.nodeName(), credentials.held().serialHex(), remaining(Duration.between(clock.instant(), notAfter)), notAfter,
        lastCredentialProblem == null
            ? (settings.rotateCertificates() ? "" : "; rotateCertificates is false: renew it by hand")
            : "; last attempt: " + lastCredentialProblem);
  }

  /** {@code 29d 23h}, {@code 5h 12m}, {@code 42s}: what an operator reads at a glance. */
  static String remaining(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return "none";
    }
    if (d.toDays() > 0) {
      return d.toDays() + "d " + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h " + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
    return Math.max(1, d.toSeconds()) + "s";
  }

  /** Renews (or, with no credentials yet or an expired certificate, enrolls); retries on failure. */
  private void renew(CompletableFuture<NodeCredentials> result) {
    if (closed.get()) {
      if (result != null) {
        result.cancel(false);
      }
      return;
    }
    cancel(renewalTask);
    NodeCredentials before = current;
    try {
      NodeCredentials next =
          before == null ? credentials.obtain()
              : before == revoked ? credentials.reenroll(revokedBecause)
              : credentials.renew(before);
      if (before != null && before == revoked) {
        log.info("node {}: enrolled anew after the revocation of serial {}: serial {}", settings.nodeName(),
            before.held().serialHex(), next.held().serialHex());
        revoked = null;
      }
      justIssued = before == null ? null : next;
      credentialBackoff.reset();
      lastCredentialProblem = null;
      adopt(next, before != null);
      if (result != null) {
        result.complete(next);
      }
    } catch (EnrollmentException e) {
      retryCredentialsLater(e);
      if (result != null) {
        result.completeExceptionally(e);
      }
    } catch (RuntimeException e) {
      log.error("node {}: unexpected failure while renewing credentials", settings.nodeName(), e);
      retryCredentialsLater(EnrollmentException.unavailable(String.valueOf(e), e));
      if (result != null) {
        result.completeExceptionally(e);
      }
    }
  }

  private void retryCredentialsLater(EnrollmentException e) {
    if (closed.get()) {
      return;
    }
    // Refused (an expired or revoked credential): ask again at the issuer's slow pace, if it has
    // one, so that a replaced token file is picked up without hammering the PKI meanwhile.
    Optional<Duration> slow = e.isRetryable() ? Optional.empty() : credentials.issuer().refusalRetry();
    // A CloudHub that answered 429/503 with Retry-After is not asked again sooner than that.
    Duration wait = slow.isPresent() ? slow.get() : credentialBackoff.next(e.retryAfter());
    NodeCredentials now = current;
    String line =
        now == null
            ? "node " + settings.nodeName() + " cannot enroll yet: " + e.getMessage()
            : now == revoked
                ? "node " + settings.nodeName() + " cannot enroll anew yet: " + e.getMessage()
                : "certificate renewal failed: " + e.getMessage() + "; keeping serial " + now.held().serialHex()
                    + " (valid until " + now.held().notAfter() + ")";
    String retry = "; retrying in " + Math.max(1, wait.toSeconds()) + " s";
    if (!e.getMessage().equals(lastCredentialProblem)) {
      if (!e.isRetryable() || e.isLocalFault()) {
        // Someone must act (a new token, a full disk): one actionable line per distinct problem,
        // not one per attempt.
        log.error("{}{}", line, retry);
      } else {
        log.warn("{}{}", line, retry);
      }
    } else {
      log.debug("{}{}", line, retry);
    }
    lastCredentialProblem = e.getMessage();
    metrics.renewalFailed();
    if (now == null || now == revoked) {
      publish(ConnectionState.ENROLLING, e.getMessage());
    } else {
      publishDetail(e.getMessage());
    }
    cancel(renewalTask);
    scheduleOnCredentialThread(() -> renew(null), wait.toMillis(), "a retry");
  }

  // ---- connection (event loop) ----

  private void credentialsChanged(boolean rotated) {
    if (closed.get()) {
      return;
    }
    if (active != null) {
      publish(ConnectionState.CONNECTED, null);
      if (rotated) {
        log.info("node {}: opening a session on the renewed certificate", settings.nodeName());
        connect();
      }
    } else if (connecting == null) {
      cancel(reconnectTask);
      connect();
    }
  }

  private void connect() {
    reconnectTask = null;
    if (closed.get() || connecting != null) {
      return;
    }
    NodeCredentials credentials = current;
    if (credentials == null || credentials == revoked) {
      return;
    }
    if (credentials.isExpiredAt(clock.instant())) {
      String why = "certificate serial " + credentials.held().serialHex() + " expired at " + credentials.held().notAfter();
      log.warn("node {}: {}; enrolling again before connecting", settings.nodeName(), why);
      if (active == null) {
        publish(ConnectionState.DISCONNECTED, why);
      }
      onCredentialThread(() -> {
        if (current == credentials) {
          renew(null);
        }
      });
      return;
    }
    if (active == null) {
      publish(ConnectionState.CONNECTING, null);
    }
    connecting = connector.connect(tls, sessions);
  }

  private void scheduleReconnect(String reason) {
    if (closed.get() || reconnectTask != null) {
      return;
    }
    Duration wait = reconnectBackoff.next();
    String line = "node " + settings.nodeName() + ": " + reason + "; reconnecting in " + wait.toMillis() + " ms";
    if (!reason.equals(lastConnectProblem)) {
      log.warn(line);
    } else {
      log.debug(line);
    }
    lastConnectProblem = reason;
    reconnectTask = loop.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void flush() {
    CloudSession session = active;
    if (session == null || closed.get()) {
      return;
    }
    boolean wrote = false;
    while (!unsent.isEmpty() && session.isWritable()) {
      long wait = rateLimiter.tryAcquire();
      if (wait > 0) {
        if (flushTask == null) {
          flushTask = loop.schedule(() -> {
            flushTask = null;
            flush();
          }, wait, TimeUnit.NANOSECONDS);
        }
        break;
      }
      session.write(unsent.pollFirst(), capacity::release);
      wrote = true;
    }
    if (wrote) {
      session.flush();
    }
  }

  private void requeue(List<Message> unconfirmed) {
    for (int i = unconfirmed.size() - 1; i >= 0; i--) {
      unsent.addFirst(unconfirmed.get(i));
    }
  }

  /** Session events, all on the event loop. */
  private final class Sessions implements SessionListener {
    @Override
    public void opened(CloudSession session) {
      if (session != connecting || closed.get()) {
        session.closeGracefully();
        return;
      }
      connecting = null;
      CloudSession previous = active;
      active = session;
      activeSince = clock.instant();
      lastConnectProblem = null;
      refusedInARow = 0;
      NodeCredentials credentials = current;
      log.info("node {} connected to {} (certificate serial {})", settings.nodeName(), settings.webSocketUri(),
          credentials.held().serialHex());
      publish(ConnectionState.CONNECTED, null);
      gateway.ifPresent(EdgeGateway::upstreamOpened);
      if (previous != null) {
        // The CloudHub replaces a node's session when it connects again; close ours as edgecore would.
        previous.closeGracefully();
      }
      if (session.tls() != tls) {
        // Renewed while this session was opening: move on to the new certificate as well.
        connect();
      }
      flush();
    }

    @Override
    public void received(CloudSession session, Message message) {
      if (gateway.isPresent()) {
        gateway.get().fromCloud(message);
      }
      try {
        messageListener.accept(message);
      } catch (RuntimeException e) {
        log.warn("node {}: the message listener failed on message {}: {}", settings.nodeName(),
            message.header().id(), e.toString());
      }
    }

    @Override
    public void writable(CloudSession session) {
      if (session == active) {
        flush();
      }
    }

    @Override
    public void closed(CloudSession session, String reason) {
      requeue(session.takeUnconfirmed());
      boolean done = judge(session, reason);
      if (session == connecting) {
        connecting = null;
        if (!closed.get()) {
          if (active == null) {
            publish(done ? ConnectionState.ENROLLING : ConnectionState.DISCONNECTED, reason);
          } else {
            publishDetail("could not open a session on the renewed certificate: " + reason);
          }
          if (!done) {
            scheduleReconnect(reason);
          }
        }
      } else if (session == active) {
        active = null;
        if (gateway.isPresent()) {
          gateway.get().upstreamClosed(reason);
        }
        if (!closed.get()) {
          Duration stable = settings.deadConnectionTimeout();
          if (activeSince != null && !clock.instant().isBefore(activeSince.plus(stable))) {
            reconnectBackoff.reset();
          }
          if (connecting != null) {
            publish(ConnectionState.CONNECTING, reason);
          } else if (done) {
            publish(ConnectionState.ENROLLING, reason);
          } else {
            publish(ConnectionState.DISCONNECTED, reason);
            scheduleReconnect(reason);
          }
        }
      }
      flush();
    }
  }

  // ---- revocation (event loop, then the credential thread) ----

  /**
   * Reads what the end of {@code session} says about the current certificate, and acts on it.
   * An explicit notice (close 1008, "revoked: "/"blocked: ") retires the certificate at once: the
   * node stops dialling with it and enrolls anew until that succeeds (refused while still blocked,
   * with the usual capped backoff). A bare TLS refusal is ambiguous; after {@link
   * #REFUSALS_BEFORE_REENROLLING} in a row the node tries one enrollment and, if that is refused,
   * goes on dialling with what it has.
   *
   * @return whether the certificate is retired, so no reconnect is due with it
   */
  private boolean judge(CloudSession session, String reason) {
    NodeCredentials credentials = current;
    if (closed.get() || credentials == null || session.tls() != tls) {
      // A session on older credentials says nothing about the ones in use now.
      return false;
    }
    if (credentials == revoked) {
      return true;
    }
    switch (session.verdict()) {
      case REVOKED -> {
        refusedInARow = 0;
        String why = "the CloudHub retired certificate serial " + credentials.held().serialHex() + " (" + reason + ")";
        log.warn("node {}: {}; enrolling anew", settings.nodeName(), why);
        revokedBecause = why;
        revoked = credentials;
        onCredentialThread(() -> renew(null));
        return true;
      }
      case REFUSED -> {
        if (++refusedInARow < REFUSALS_BEFORE_REENROLLING) {
          return false;
        }
        refusedInARow = 0;
        String why = "the CloudHub refused certificate serial " + credentials.held().serialHex() + " "
            + REFUSALS_BEFORE_REENROLLING + " times in a row (" + reason + "); it may be revoked or the node blocked";
        onCredentialThread(() -> tryEnrollingAnew(credentials, why));
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * One enrollment in place of {@code refused}, after the CloudHub kept refusing it without saying
   * why. If the CloudHub enrolls the node, it was revoked (or from another CA): use the new one. If
   * not, the refusal was something else, or the node is still blocked; it keeps dialling.
   */
  private void tryEnrollingAnew(NodeCredentials refused, String why) {
    if (closed.get() || current != refused || refused == revoked) {
      return;
    }
    try {
      NodeCredentials next = credentials.reenroll(why);
      log.info("node {}: enrolled anew after repeated refusals of serial {}: serial {}", settings.nodeName(),
          refused.held().serialHex(), next.held().serialHex());
      justIssued = next;
      credentialBackoff.reset();
      lastCredentialProblem = null;
      adopt(next, true);
    } catch (EnrollmentException e) {
      // The issuer's refusal may already start with why (no token): say it once.
      String failed = e.getMessage().startsWith(why) ? e.getMessage() : why + ", and enrolling anew failed: " + e.getMessage();
      String line = "node " + settings.nodeName() + ": " + failed + "; still dialling with serial " + refused.held().serialHex();
      if (!e.getMessage().equals(lastCredentialProblem)) {
        log.error(line);
      } else {
        log.debug(line);
      }
      lastCredentialProblem = e.getMessage();
    } catch (RuntimeException e) {
      log.error("node {}: unexpected failure while enrolling anew", settings.nodeName(), e);
    }
  }

  // ---- status ----

  private int queued() {
    return queueCapacity - capacity.availablePermits();
  }

  private EdgeHubStatus snapshot(ConnectionState state, String detail) {
    NodeCredentials c = current;
    return new EdgeHubStatus(
        state,
        settings.nodeName(),
        c == null ? Optional.empty() : Optional.of(c.held().serialHex()),
        c == null ? Optional.empty() : Optional.of(c.held().notAfter()),
        rotations.get(),
        queued(),
        Optional.ofNullable(detail));
  }

  private synchronized void publish(ConnectionState state, String detail) {
    if (status.state() == ConnectionState.CLOSED) {
      return;
    }
    status = snapshot(state, detail);
    metrics.connected(state == ConnectionState.CONNECTED);
    for (Consumer<EdgeHubStatus> listener : statusListeners) {
      try {
        listener.accept(status);
      } catch (RuntimeException e) {
        log.warn("node {}: a status listener failed: {}", settings.nodeName(), e.toString());
      }
    }
  }

  private synchronized void publishDetail(String detail) {
    publish(status.state(), detail);
  }

  private static void cancel(java.util.concurrent.Future<?> task) {
    if (task != null) {
      task.cancel(false);
    }
  }
}
