package dev.edgetrust.edgehub;

import dev.edgetrust.edgehub.channel.ClientTls;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.enrollment.CredentialManager;
import dev.edgetrust.edgehub.enrollment.EnrollmentException;
import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import dev.edgetrust.edgehub.enrollment.RenewalWindow;
import dev.edgetrust.edgehub.metrics.EdgeMetrics;
import dev.edgetrust.retry.Backoff.Attempt;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's certificate over time: the first one (from disk, or by enrolling), its renewal at a
 * random point of the {@link RenewalWindow}, retries with {@link Backoff} when the issuer is away,
 * the warning when a certificate is down to its last tenth, and a fresh enrollment when the
 * CloudHub retired the certificate ({@link #retire}) or kept refusing it ({@link
 * #refusedRepeatedly}).
 *
 * <p>Threads: owns one thread, {@code edgehub-credentials-<node>}, for the blocking work (file I/O,
 * HTTPS enrollment). Every field below the constructor's is confined to it; the methods other
 * threads call only queue work on it. What it produces leaves through two doors: the {@link
 * CurrentCredentials} it publishes, and the {@link Listener} it tells on its thread.
 *
 * <p>When to renew is the {@link RenewalPlanner}'s, when to retry and what to log about failures
 * the {@link CredentialRetries}'; what stays here (some 430 lines) is the one thread's state and
 * its transitions — first credentials, renewal, retirement, enrolling anew — kept in one file so
 * that the confinement of every field to that thread can be checked in one place.
 */
final class CredentialLifecycle implements AutoCloseable {
  /** The EdgeHub's logger: operators' log settings (and the tests) name it, not the parts. */
  private static final Logger log = LoggerFactory.getLogger(EdgeHub.class);

  /** Told, on the credential thread, that new credentials are published. Must not block. */
  interface Listener {
    /**
     * @param rotated whether they replace others (a renewal), so sessions move on to them
     */
    void adopted(boolean rotated);
  }

  private final EdgeHubSettings settings;
  private final CredentialManager credentials;
  private final CurrentCredentials current;
  private final StatusBoard status;
  private final EdgeMetrics metrics;
  private final Listener listener;
  private final Clock clock;
  private final ScheduledExecutorService thread;

  /** Set once, by {@link #close()} from any thread; read by the tasks on the credential thread. */
  private volatile boolean closed;

  /** How the first attempt at credentials ended: empty, or the reason to stop the EdgeHub. */
  private final CompletableFuture<Optional<EnrollmentException>> started =
      new CompletableFuture<>();

  // Credential thread only.
  private final CredentialRetries retries;
  private final RenewalPlanner planner;
  private Optional<ScheduledFuture<?>> renewalTask = Optional.empty();
  private Optional<ScheduledFuture<?>> lifetimeWarning = Optional.empty();

  /** The credentials the issuer has just handed over (not read from disk), until scheduled. */
  private Optional<NodeCredentials> justIssued = Optional.empty();

  /** Credentials the CloudHub retired: never renewed with; the node enrolls anew instead. */
  private Optional<NodeCredentials> retired = Optional.empty();

  private String retiredBecause = "";

  CredentialLifecycle(
      EdgeHubSettings settings,
      CredentialManager credentials,
      RenewalWindow renewalWindow,
      CurrentCredentials current,
      StatusBoard status,
      EdgeMetrics metrics,
      Listener listener,
      Clock clock) {
    this.settings = settings;
    this.credentials = credentials;
    this.current = current;
    this.status = status;
    this.metrics = metrics;
    this.listener = listener;
    this.clock = clock;
    this.retries =
        new CredentialRetries(
            settings.nodeName(),
            Backoff.standard(),
            settings.websocket().handshakeTimeout(),
            settings.escalateAfter(),
            metrics,
            clock);
    this.planner =
        new RenewalPlanner(
            settings, renewalWindow, credentials.issuer(), RandomGenerator.getDefault());
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "edgehub-credentials-" + settings.nodeName());
              t.setDaemon(true);
              return t;
            });
  }

  /** Where certificates come from, for the start-up line. */
  String issuerDescription() {
    return credentials.issuer().description();
  }

  /**
   * Gets the first credentials on the credential thread and waits for that; a failure that waiting
   * can cure (the CloudHub away, a token file still empty) is retried there in the background.
   *
   * @throws EnrollmentException when waiting cannot help: the EdgeHub must stop
   */
  void start() throws EnrollmentException {
    try {
      thread.execute(() -> started.complete(first()));
    } catch (RejectedExecutionException closing) {
      return;
    }
    // join(): starting is not abandoned half-way by an interrupt; close() completes it too.
    Optional<EnrollmentException> fatal = started.join();
    if (fatal.isPresent()) {
      throw fatal.get();
    }
  }

  private Optional<EnrollmentException> first() {
    try {
      adopt(credentials.obtain(), false);
      return Optional.empty();
    } catch (EnrollmentException e) {
      if (!e.isRetryable() && !credentials.tokenMayChange()) {
        return Optional.of(e);
      }
      retryLater(e);
      return Optional.empty();
    }
  }

  /**
   * Renews now (see {@link EdgeHub#renewNow()}); any thread.
   *
   * @return completes with the new credentials, or with the reason the attempt failed
   */
  CompletableFuture<NodeCredentials> renewNow() {
    CompletableFuture<NodeCredentials> result = new CompletableFuture<>();
    if (current.get().isEmpty()) {
      // The first enrollment is still under way or waiting; it must not run twice at once.
      result.completeExceptionally(
          new IllegalStateException("the node has no certificate to renew yet"));
      return result;
    }
    try {
      thread.execute(() -> renew(Optional.of(result)));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the EdgeHub is closing"));
    }
    return result;
  }

  /**
   * The CloudHub said {@code credentials} are revoked (or the node blocked): never dial or renew
   * with them again; enroll anew until that succeeds. Any thread.
   */
  void retire(NodeCredentials retiredNow, String why) {
    onThread(
        () -> {
          if (!current.isCurrent(retiredNow)) {
            return;
          }
          retired = Optional.of(retiredNow);
          retiredBecause = why;
          renew(Optional.empty());
        });
  }

  /** {@code expired} ran out while in use (the node was offline): enroll again. Any thread. */
  void expired(NodeCredentials expired) {
    onThread(
        () -> {
          if (current.isCurrent(expired)) {
            renew(Optional.empty());
          }
        });
  }

  /**
   * One enrollment in place of {@code refused}, after the CloudHub kept refusing it without saying
   * why; any thread. If the CloudHub enrolls the node, it was revoked (or from another CA): use the
   * new one. If not, the refusal was something else, or the node is still blocked; it keeps
   * dialling.
   */
  void refusedRepeatedly(NodeCredentials refused, String why) {
    onThread(() -> tryEnrollingAnew(refused, why));
  }

  /** Stops the credential thread (a blocking enrollment is interrupted); any thread. */
  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    // A start() waiting for a first attempt that will never run now returns.
    started.complete(Optional.empty());
  }

  // ---- the credential thread ----

  /**
   * Makes {@code next} the credentials in use and tells the listener, which reconnects on a
   * renewal.
   */
  private void adopt(NodeCredentials next, boolean rotated) throws EnrollmentException {
    SslContext context;
    try {
      context = ClientTls.context(next);
    } catch (SSLException e) {
      throw EnrollmentException.refused(
          "cannot use the certificate "
              + settings.certificateFile()
              + " for TLS: "
              + e.getMessage());
    }
    int rotations = current.get().map(CurrentCredentials.InUse::rotations).orElse(0);
    current.publish(
        new CurrentCredentials.InUse(next, context, rotated ? rotations + 1 : rotations));
    retries.succeeded();
    metrics.certificate(next.held().notAfter());
    if (rotated) {
      metrics.renewed(clock.instant());
    }
    onThread(() -> scheduleRenewal(next));
    listener.adopted(rotated);
  }

  /**
   * Renews (or, with no credentials yet or an expired certificate, enrolls); retries on failure.
   */
  private void renew(Optional<CompletableFuture<NodeCredentials>> result) {
    if (closed) {
      result.ifPresent(r -> r.cancel(false));
      return;
    }
    cancel(renewalTask);
    Optional<NodeCredentials> before = current.get().map(CurrentCredentials.InUse::credentials);
    boolean wasRetired = before.isPresent() && retired.equals(before);
    try {
      NodeCredentials next =
          before.isEmpty()
              ? credentials.obtain()
              : wasRetired
                  ? credentials.reenroll(retiredBecause)
                  : credentials.renew(before.get(), retries.nextTimeout());
      if (wasRetired) {
        log.info(
            "node {}: enrolled anew after the revocation of serial {}: serial {}",
            settings.nodeName(),
            before.get().held().serialHex(),
            next.held().serialHex());
        retired = Optional.empty();
      }
      justIssued = before.isEmpty() ? Optional.empty() : Optional.of(next);
      adopt(next, before.isPresent());
      result.ifPresent(r -> r.complete(next));
    } catch (EnrollmentException e) {
      retryLater(e);
      result.ifPresent(r -> r.completeExceptionally(e));
    } catch (RuntimeException e) {
      log.error("node {}: unexpected failure while renewing credentials", settings.nodeName(), e);
      retryLater(EnrollmentException.unavailable(String.valueOf(e), e));
      result.ifPresent(r -> r.completeExceptionally(e));
    }
  }

  private void retryLater(EnrollmentException e) {
    if (closed) {
      return;
    }
    // Refused (an expired or revoked credential): ask again at the issuer's slow pace, if it has
    // one, so that a replaced token file is picked up without hammering the PKI meanwhile.
    Optional<Duration> slow =
        e.isRetryable() ? Optional.empty() : credentials.issuer().refusalRetry();
    Optional<NodeCredentials> now = current.get().map(CurrentCredentials.InUse::credentials);
    boolean enrolling = now.isEmpty() || retired.equals(now);
    String line =
        now.isEmpty()
            ? "node " + settings.nodeName() + " cannot enroll yet: " + e.getMessage()
            : enrolling
                ? "node " + settings.nodeName() + " cannot enroll anew yet: " + e.getMessage()
                : "certificate renewal failed: "
                    + e.getMessage()
                    + "; keeping serial "
                    + now.get().held().serialHex()
                    + " (valid until "
                    + now.get().held().notAfter()
                    + ")";
    // Renewing, the certificate in use is what is at stake: retries are held to its end.
    Attempt next =
        retries.failed(
            e,
            enrolling ? "enroll" : "renew its certificate",
            line,
            slow,
            enrolling ? Optional.empty() : now.map(c -> c.held().notAfter()));
    if (enrolling) {
      status.publish(ConnectionState.ENROLLING, e.getMessage());
    } else {
      status.publishDetail(e.getMessage());
    }
    cancel(renewalTask);
    renewalTask = schedule(() -> renew(Optional.empty()), next.delay(), "a retry");
  }

  private void tryEnrollingAnew(NodeCredentials refused, String why) {
    if (closed || !current.isCurrent(refused) || retired.equals(Optional.of(refused))) {
      return;
    }
    try {
      NodeCredentials next = credentials.reenroll(why);
      log.info(
          "node {}: enrolled anew after repeated refusals of serial {}: serial {}",
          settings.nodeName(),
          refused.held().serialHex(),
          next.held().serialHex());
      justIssued = Optional.of(next);
      adopt(next, true);
    } catch (EnrollmentException e) {
      // The issuer's refusal may already start with why (no token): say it once.
      String failed =
          e.getMessage().startsWith(why)
              ? e.getMessage()
              : why + ", and enrolling anew failed: " + e.getMessage();
      String line =
          "node "
              + settings.nodeName()
              + ": "
              + failed
              + "; still dialling with serial "
              + refused.held().serialHex();
      retries.failedOnce(e, "enroll anew", line);
    } catch (RuntimeException e) {
      log.error("node {}: unexpected failure while enrolling anew", settings.nodeName(), e);
    }
  }

  /**
   * Plans the renewal of {@code planned} (and the warning due if it has not happened by 90% of the
   * lifetime); the planner says so in one line. Runs at start and after every renewal, so the log
   * always tells when the certificate in use ends.
   */
  private void scheduleRenewal(NodeCredentials planned) {
    cancel(renewalTask);
    cancel(lifetimeWarning);
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    RenewalPlanner.Plan plan = planner.plan(planned, justIssued.equals(Optional.of(planned)), now);
    if (plan.renewAt().isPresent()) {
      renewalTask =
          schedule(
              () -> renew(Optional.empty()),
              Duration.between(now, plan.renewAt().get()),
              "the renewal");
    }
    metrics.nextRenewal(plan.renewAt().orElse(null));
    // Queued after the renewal: when both are due at once (an old certificate at start), the
    // renewal runs first, and a successful one leaves nothing to warn about.
    lifetimeWarning =
        schedule(
            () -> warnIfNotRenewed(planned),
            Duration.between(now, plan.warnAt()),
            "the lifetime warning");
  }

  /** Once per certificate: it is down to its last 10% and no renewal has replaced it. */
  private void warnIfNotRenewed(NodeCredentials held) {
    if (closed || !current.isCurrent(held)) {
      return;
    }
    Instant notAfter = held.held().notAfter();
    log.warn(
        "node {}: certificate serial {} has {} left (under 10% of its lifetime, expires {}) and has not been renewed{}",
        settings.nodeName(),
        held.held().serialHex(),
        RenewalPlanner.remaining(Duration.between(clock.instant(), notAfter)),
        notAfter,
        retries.lastProblem().isEmpty()
            ? (settings.rotateCertificates()
                ? ""
                : "; rotateCertificates is false: renew it by hand")
            : "; last attempt: " + retries.lastProblem().get());
  }

  /** Runs {@code task} on the credential thread, unless the EdgeHub is closing. */
  private void onThread(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException closing) {
      // close() shut the thread down; nothing is left to do.
    }
  }

  private Optional<ScheduledFuture<?>> schedule(Runnable task, Duration delay, String what) {
    try {
      return Optional.of(
          thread.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException closing) {
      log.debug("node {}: not scheduling {}: closing", settings.nodeName(), what);
      return Optional.empty();
    }
  }

  private static void cancel(Optional<ScheduledFuture<?>> task) {
    task.ifPresent(t -> t.cancel(false));
  }
}
