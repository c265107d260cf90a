package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.websocket.Session;
import dev.edgetrust.cloudhub.websocket.SessionRegistry;
import dev.edgetrust.pki.NodeBlocking;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.Revocation;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.retry.Backoff;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the PKI's revocation list and blocklist every refresh interval (and on demand, after a
 * block), installs them in the {@link AccessPolicy}, then closes every live session whose
 * certificate the access policy now refuses. A session whose certificate is revoked is therefore
 * closed within one interval, wherever the revocation was made.
 *
 * <p>Every refresh, periodic or on demand, runs on one thread, in order: a refresh that started
 * before a block can never install its older view after the block's.
 */
final class RevocationRefresher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RevocationRefresher.class);
  private static final Duration ON_DEMAND_LIMIT = Duration.ofSeconds(30);

  /** What one refresh did. */
  record Result(boolean fetched, String failure, List<SessionInfo> closed) {}

  private final PkiProvider provider;
  private final AccessPolicy policy;
  private final SessionRegistry registry;
  private final SessionCloser closer;
  private final Duration interval;
  private final boolean failClosed;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private final HubMetrics metrics;
  private final LastGoodRevocation kept;
  private boolean failing;
  private boolean reportedStale;
  private String reportedWriteFailure;

  RevocationRefresher(
      PkiProvider provider,
      AccessPolicy policy,
      SessionRegistry registry,
      SessionCloser closer,
      Duration interval,
      boolean failClosed,
      Clock clock,
      HubMetrics metrics,
      LastGoodRevocation kept) {
    this.metrics = metrics;
    this.kept = kept;
    this.provider = provider;
    this.policy = policy;
    this.registry = registry;
    this.closer = closer;
    this.interval = interval;
    this.failClosed = failClosed;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "edgetrust-revocation");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Puts the state kept by the last run in force (verified against {@code anchors}), refreshes now
   * (the first list is in place when this returns), then every interval.
   */
  Result start(List<X509Certificate> anchors) {
    restore(anchors);
    Result first = refreshNow(() -> {});
    scheduleNext(first.fetched());
    return first;
  }

  /**
   * After a failed refresh, the interval — unless the list in use reaches its {@code nextUpdate}
   * sooner: then the retries close in on it ({@link Backoff#beforeDeadline}), so a PKI back just
   * before the list goes stale is read before the CloudHub fails closed, not an interval after.
   */
  Duration nextDelay(boolean fetched, Instant now) {
    Optional<Instant> nextUpdate = policy.list().flatMap(RevocationList::nextUpdate);
    if (fetched || nextUpdate.isEmpty()) {
      return interval;
    }
    return Backoff.beforeDeadline(interval, ON_DEMAND_LIMIT, now, nextUpdate.get()).delay();
  }

  private void scheduleNext(boolean fetched) {
    try {
      thread.schedule(
          this::refreshQuietly,
          nextDelay(fetched, clock.instant()).toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // close() shut the thread down: no more refreshes.
    }
  }

  /**
   * Runs {@code before} and then a refresh on the refresher's thread, and waits for both.
   *
   * @return what the refresh did; not fetched (with the reason) if it failed or took too long
   */
  Result refreshNow(Runnable before) {
    Future<Result> done;
    try {
      done =
          thread.submit(
              () -> {
                before.run();
                return refreshAndSweep();
              });
    } catch (RejectedExecutionException e) {
      return new Result(false, "the CloudHub is shutting down", List.of());
    }
    try {
      return done.get(ON_DEMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return new Result(
          false, "the PKI did not answer within " + ON_DEMAND_LIMIT.toSeconds() + " s", List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(false, "interrupted", List.of());
    } catch (ExecutionException e) {
      return new Result(false, String.valueOf(e.getCause()), List.of());
    }
  }

  /** Installs the last good state from disk, if there is one and it verifies. */
  private void restore(List<X509Certificate> anchors) {
    Optional<LastGoodRevocation.Verdict> verdict =
        kept.load(anchors, provider.revocation().isPresent(), clock.instant());
    if (verdict.isEmpty()) {
      return;
    }
    if (verdict.get() instanceof LastGoodRevocation.Verdict.Refused refused) {
      log.warn("{}", refused.why());
    } else if (verdict.get() instanceof LastGoodRevocation.Verdict.Usable usable) {
      LastGoodRevocation.Loaded state = usable.state();
      policy.installPersisted(state, kept.file());
      log.info(
          "enforcing the last good revocation state from {} until the {} PKI answers: {} revoked serials, {} blocked nodes{}",
          kept.file(),
          provider.name(),
          state.list().size(),
          state.blocked().size(),
          state.list().nextUpdate().map(t -> ", valid until " + t).orElse(""));
    }
  }

  /** Keeps what was just installed on disk, for a restart while the PKI is away. */
  private void persist(RevocationList list, Set<NodeName> blocked) {
    try {
      kept.save(list, blocked, clock.instant());
      if (reportedWriteFailure != null) {
        log.info("the last good revocation state is kept in {} again", kept.file());
        reportedWriteFailure = null;
      }
    } catch (IOException e) {
      if (!e.getMessage().equals(reportedWriteFailure)) {
        reportedWriteFailure = e.getMessage();
        log.warn(
            "{}; the list in force is unaffected, but a restart while the PKI is away would start without it",
            e.getMessage());
      }
    }
  }

  private void refreshQuietly() {
    boolean fetched = false;
    try {
      fetched = refreshAndSweep().fetched();
    } catch (RuntimeException e) {
      log.error("revocation refresh failed unexpectedly", e);
    }
    scheduleNext(fetched);
  }

  private Result refreshAndSweep() {
    String failure = null;
    try {
      // A PKI that cannot revoke has revoked nothing, and one that cannot block has blocked no one:
      // empty lists, never a reason to fail closed.
      Optional<Revocation> revocation = provider.revocation();
      RevocationList list =
          revocation.isPresent() ? revocation.get().revocationList() : RevocationList.empty();
      Optional<NodeBlocking> blocking = provider.blocking();
      Set<NodeName> blocked = blocking.isPresent() ? blocking.get().blockedNodes() : Set.of();
      policy.install(list, blocked);
      // Only what can be verified again is kept: a list that came with no signed CRL would be
      // refused when read back.
      if (revocation.isEmpty() || list.crlEncoding().isPresent()) {
        persist(list, blocked);
      }
      if (failing) {
        log.info(
            "revocation list of the {} PKI read again: {} revoked serials, {} blocked nodes",
            provider.name(),
            list.size(),
            blocked.size());
      }
      failing = false;
      reportedStale = false;
    } catch (PkiException e) {
      failure = e.getMessage();
    } catch (RuntimeException e) {
      failure = e.toString();
    }
    if (failure != null) {
      policy.refreshFailed(failure);
      reportFailure(failure);
    }
    metrics.revocationRefreshed(failure == null);
    return new Result(failure == null, failure, sweep());
  }

  private void reportFailure(String failure) {
    Optional<RevocationList> last = policy.list();
    if (!failing) {
      failing = true;
      log.warn(
          "cannot read the revocation list of the {} PKI: {}; keeping the last good one{}",
          provider.name(),
          failure,
          last.flatMap(RevocationList::nextUpdate).map(t -> " (valid until " + t + ")").orElse(""));
    } else {
      log.debug("revocation list still unavailable: {}", failure);
    }
    boolean stale = last.isEmpty() || last.get().isStaleAt(clock.instant());
    if (stale && !reportedStale) {
      reportedStale = true;
      if (failClosed) {
        log.error(
            "no current revocation list: refusing every client certificate until one can be read (revocation.failClosed)");
      } else {
        log.warn(
            "no current revocation list: still accepting certificates on the last one (revocation.failClosed is false)");
      }
    }
  }

  /** Closes every live session the access policy now refuses. */
  private List<SessionInfo> sweep() {
    List<SessionInfo> closed = new ArrayList<>();
    for (Session session : registry.all()) {
      Optional<Refusal> refusal = policy.check(session.certificate());
      if (refusal.isPresent() && session.isOpen()) {
        closed.add(closer.close(session, refusal.get()));
      }
    }
    return closed;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
