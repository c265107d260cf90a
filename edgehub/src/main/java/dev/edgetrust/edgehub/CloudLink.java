package dev.edgetrust.edgehub;

import dev.edgetrust.edgehub.channel.CloudConnector;
import dev.edgetrust.edgehub.channel.CloudSession;
import dev.edgetrust.edgehub.channel.SessionListener;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import dev.edgetrust.edgehub.gateway.EdgeGateway;
import dev.edgetrust.message.Message;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one session to the CloudHub: dials with the {@link CurrentCredentials}, reconnects
 * with {@link Backoff} when the session ends, moves to a new session when the certificate is
 * renewed (the old one says goodbye only once the new one is up), and reads what the end of a
 * session says about the certificate ({@link #judge}). Messages from the CloudHub go to the
 * listener and the local gateway; messages to it come from the {@link Outbox}.
 *
 * <p>Threads: confined to the EdgeHub's event loop — the sessions, the pending reconnect, its
 * backoff and the refusal count are touched nowhere else. The entry points for other threads
 * ({@link #credentialsAdopted}, {@link #attach}, {@link #stop}) hop onto the loop; what the link
 * needs done on the credential thread it asks of the {@link CredentialLifecycle}, which hops too.
 */
final class CloudLink implements SessionListener {
  /** The EdgeHub's logger: operators' log settings (and the tests) name it, not the parts. */
  private static final Logger log = LoggerFactory.getLogger(EdgeHub.class);

  /**
   * How many handshakes in a row the CloudHub must refuse before the node tries to enroll anew. The
   * refusal alert does not say why (revoked, or a CloudHub failing closed for a while), so one is
   * not enough to act on; three, with backoff between them, are seconds, not minutes.
   */
  static final int REFUSALS_BEFORE_REENROLLING = 3;

  private final EventLoop loop;
  private final EdgeHubSettings settings;
  private final CloudConnector connector;
  private final CurrentCredentials credentials;
  private final CredentialLifecycle lifecycle;
  private final Outbox outbox;
  private final StatusBoard status;
  private final Consumer<Message> messageListener;
  private final Clock clock;

  // Event loop only.
  private final Backoff reconnectBackoff = Backoff.standard();
  private Optional<CloudSession> active = Optional.empty();
  private Optional<CloudSession> connecting = Optional.empty();
  private Instant activeSince = Instant.MIN;
  private Optional<Future<?>> reconnectTask = Optional.empty();
  private Optional<String> lastProblem = Optional.empty();

  /** TLS refusals by the CloudHub in a row with the current certificate (see {@link #judge}). */
  private int refusedInARow;

  /** Credentials the CloudHub retired: never dialled with again (the lifecycle enrolls anew). */
  private Optional<NodeCredentials> retired = Optional.empty();

  private Optional<EdgeGateway> gateway = Optional.empty();
  private boolean stopped;

  CloudLink(
      EventLoop loop,
      EdgeHubSettings settings,
      CurrentCredentials credentials,
      CredentialLifecycle lifecycle,
      Outbox outbox,
      StatusBoard status,
      Consumer<Message> messageListener,
      Clock clock) {
    this.loop = loop;
    this.settings = settings;
    // Every channel of this EdgeHub on its one loop: the session state is confined to it.
    this.connector = new CloudConnector(loop, settings);
    this.credentials = credentials;
    this.lifecycle = lifecycle;
    this.outbox = outbox;
    this.status = status;
    this.messageListener = messageListener;
    this.clock = clock;
  }

  // ---- entry points from other threads: each hops onto the loop ----

  /** The lifecycle published new credentials: connect on them. Any thread. */
  void credentialsAdopted(boolean rotated) {
    onLoop(() -> adopted(rotated));
  }

  /** The local gateway hears of every session from now on. Any thread; before the first session. */
  void attach(EdgeGateway local) {
    onLoop(() -> gateway = Optional.of(local));
  }

  /**
   * Cancels the pending reconnect, abandons a session still opening and says goodbye on the live
   * one. Any thread.
   *
   * @return completes on the loop with the goodbye's close, if there was a live session
   */
  Future<Optional<ChannelFuture>> stop() {
    return loop.submit(
        () -> {
          stopped = true;
          cancelReconnect();
          connecting.ifPresent(c -> c.channel().close());
          return active.map(CloudSession::closeGracefully);
        });
  }

  private void onLoop(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException closing) {
      // close() got there first.
    }
  }

  // ---- the event loop ----

  private void adopted(boolean rotated) {
    if (stopped) {
      return;
    }
    if (active.isPresent()) {
      status.publish(ConnectionState.CONNECTED);
      if (rotated) {
        log.info("node {}: opening a session on the renewed certificate", settings.nodeName());
        connect();
      }
    } else if (connecting.isEmpty()) {
      cancelReconnect();
      connect();
    }
  }

  private void connect() {
    reconnectTask = Optional.empty();
    if (stopped || connecting.isPresent()) {
      return;
    }
    Optional<CurrentCredentials.InUse> inUse = credentials.get();
    if (inUse.isEmpty() || retired.equals(inUse.map(CurrentCredentials.InUse::credentials))) {
      return;
    }
    NodeCredentials dialWith = inUse.get().credentials();
    if (dialWith.isExpiredAt(clock.instant())) {
      String why =
          "certificate serial "
              + dialWith.held().serialHex()
              + " expired at "
              + dialWith.held().notAfter();
      log.warn("node {}: {}; enrolling again before connecting", settings.nodeName(), why);
      if (active.isEmpty()) {
        status.publish(ConnectionState.DISCONNECTED, why);
      }
      lifecycle.expired(dialWith);
      return;
    }
    if (active.isEmpty()) {
      status.publish(ConnectionState.CONNECTING);
    }
    connecting = Optional.of(connector.connect(inUse.get().tls(), this));
  }

  private void scheduleReconnect(String reason) {
    if (stopped || reconnectTask.isPresent()) {
      return;
    }
    Duration wait = reconnectBackoff.next();
    String line =
        "node "
            + settings.nodeName()
            + ": "
            + reason
            + "; reconnecting in "
            + wait.toMillis()
            + " ms";
    if (!lastProblem.equals(Optional.of(reason))) {
      log.warn(line);
    } else {
      log.debug(line);
    }
    lastProblem = Optional.of(reason);
    reconnectTask =
        Optional.of(loop.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS));
  }

  private void cancelReconnect() {
    reconnectTask.ifPresent(task -> task.cancel(false));
    reconnectTask = Optional.empty();
  }

  @Override
  public void opened(CloudSession session) {
    if (!connecting.equals(Optional.of(session)) || stopped) {
      session.closeGracefully();
      return;
    }
    connecting = Optional.empty();
    Optional<CloudSession> previous = active;
    active = Optional.of(session);
    activeSince = clock.instant();
    lastProblem = Optional.empty();
    refusedInARow = 0;
    log.info(
        "node {} connected to {} (certificate serial {})",
        settings.nodeName(),
        settings.webSocketUri(),
        credentials.get().map(c -> c.credentials().held().serialHex()).orElse("?"));
    status.publish(ConnectionState.CONNECTED);
    gateway.ifPresent(EdgeGateway::upstreamOpened);
    // The CloudHub replaces a node's session when it connects again; close ours as edgecore would.
    previous.ifPresent(CloudSession::closeGracefully);
    if (!dialledWithCurrent(session)) {
      // Renewed while this session was opening: move on to the new certificate as well.
      connect();
    }
    outbox.sessionOpened(session);
  }

  @Override
  public void received(CloudSession session, Message message) {
    gateway.ifPresent(g -> g.fromCloud(message));
    try {
      messageListener.accept(message);
    } catch (RuntimeException e) {
      log.warn(
          "node {}: the message listener failed on message {}: {}",
          settings.nodeName(),
          message.header().id(),
          e.toString());
    }
  }

  @Override
  public void writable(CloudSession session) {
    outbox.sessionWritable(session);
  }

  @Override
  public void closed(CloudSession session, String reason) {
    boolean done = judge(session, reason);
    if (connecting.equals(Optional.of(session))) {
      connecting = Optional.empty();
      if (!stopped) {
        if (active.isEmpty()) {
          status.publish(done ? ConnectionState.ENROLLING : ConnectionState.DISCONNECTED, reason);
        } else {
          status.publishDetail("could not open a session on the renewed certificate: " + reason);
        }
        if (!done) {
          scheduleReconnect(reason);
        }
      }
    } else if (active.equals(Optional.of(session))) {
      active = Optional.empty();
      gateway.ifPresent(g -> g.upstreamClosed(reason));
      if (!stopped) {
        Duration stable = settings.deadConnectionTimeout();
        // A CloudHub going away (restart, newer session) is no failure: come back at once, within
        // the first backoff step's jitter, so a fleet does not return in the same millisecond.
        if (session.toldToGoAway() || !clock.instant().isBefore(activeSince.plus(stable))) {
          reconnectBackoff.reset();
        }
        if (connecting.isPresent()) {
          status.publish(ConnectionState.CONNECTING, reason);
        } else if (done) {
          status.publish(ConnectionState.ENROLLING, reason);
        } else {
          status.publish(ConnectionState.DISCONNECTED, reason);
          scheduleReconnect(reason);
        }
      }
    }
    // Its unconfirmed messages go back to the queue, for the live session if there is one.
    outbox.sessionClosed(session);
  }

  private boolean dialledWithCurrent(CloudSession session) {
    return credentials
        .get()
        .map(CurrentCredentials.InUse::tls)
        .filter(tls -> tls == session.tls())
        .isPresent();
  }

  /**
   * Reads what the end of {@code session} says about the current certificate, and acts on it. An
   * explicit notice (close 1008, "revoked: "/"blocked: ") retires the certificate at once: the node
   * stops dialling with it and enrolls anew until that succeeds (refused while still blocked, with
   * the usual capped backoff). A bare TLS refusal is ambiguous; after {@link
   * #REFUSALS_BEFORE_REENROLLING} in a row the node tries one enrollment and, if that is refused,
   * goes on dialling with what it has.
   *
   * @return whether the certificate is retired, so no reconnect is due with it
   */
  private boolean judge(CloudSession session, String reason) {
    Optional<CurrentCredentials.InUse> inUse = credentials.get();
    if (stopped || inUse.isEmpty() || !dialledWithCurrent(session)) {
      // A session on older credentials says nothing about the ones in use now.
      return false;
    }
    NodeCredentials judged = inUse.get().credentials();
    if (retired.equals(Optional.of(judged))) {
      return true;
    }
    switch (session.verdict()) {
      case REVOKED -> {
        refusedInARow = 0;
        String why =
            "the CloudHub retired certificate serial "
                + judged.held().serialHex()
                + " ("
                + reason
                + ")";
        log.warn("node {}: {}; enrolling anew", settings.nodeName(), why);
        retired = Optional.of(judged);
        lifecycle.retire(judged, why);
        return true;
      }
      case REFUSED -> {
        if (++refusedInARow < REFUSALS_BEFORE_REENROLLING) {
          return false;
        }
        refusedInARow = 0;
        String why =
            "the CloudHub refused certificate serial "
                + judged.held().serialHex()
                + " "
                + REFUSALS_BEFORE_REENROLLING
                + " times in a row ("
                + reason
                + "); it may be revoked or the node blocked";
        lifecycle.refusedRepeatedly(judged, why);
        return false;
      }
      default -> {
        return false;
      }
    }
  }
}
