package dev.edgetrust.edgehub;

import static dev.edgetrust.retry.Backoff.beforeDeadline;

import dev.edgetrust.config.GoDuration;
import dev.edgetrust.edgehub.enrollment.EnrollmentException;
import dev.edgetrust.edgehub.metrics.EdgeMetrics;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.retry.Backoff.Attempt;
import dev.edgetrust.retry.FailureStreak;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the credential thread does after a failed enrollment or renewal: when to try again and how
 * long that try may take — the backoff, held to the certificate's {@code notAfter} by {@link
 * dev.edgetrust.retry.Backoff#beforeDeadline} so that a node never sleeps through its last chance
 * to renew — and what to tell the operator: a line per new cause, then, once the node has failed
 * for {@code escalateAfter}, one ERROR with the duration and the last cause, and a summary every
 * {@code escalateAfter} after that instead of a line per attempt (see {@link FailureStreak}).
 *
 * <p>Credential thread only, like the {@link CredentialLifecycle} that owns it.
 */
final class CredentialRetries {
  /** The EdgeHub's logger: operators' log settings (and the tests) name it, not the parts. */
  private static final Logger log = LoggerFactory.getLogger(EdgeHub.class);

  private final NodeName node;
  private final Backoff backoff;
  private final Duration timeout;
  private final FailureStreak streak;
  private final EdgeMetrics metrics;
  private final Clock clock;

  /** How long the next try may take: the full timeout, or less near the deadline. */
  private Duration nextTimeout;

  /**
   * @param timeout how long one try may take when the certificate is far from its end
   * @param escalateAfter how long the node may fail before one ERROR says so
   */
  CredentialRetries(
      NodeName node,
      Backoff backoff,
      Duration timeout,
      Duration escalateAfter,
      EdgeMetrics metrics,
      Clock clock) {
    this.node = node;
    this.backoff = backoff;
    this.timeout = timeout;
    this.streak = new FailureStreak(escalateAfter, escalateAfter);
    this.metrics = metrics;
    this.clock = clock;
    this.nextTimeout = timeout;
  }

  /** How long the next try may take. */
  Duration nextTimeout() {
    return nextTimeout;
  }

  /** The last failure's message while failing; empty after a success. */
  Optional<String> lastProblem() {
    return streak.failures() == 0 ? Optional.empty() : Optional.of(streak.lastCause());
  }

  /**
   * A try failed and another is due: reports it as the streak calls for and plans the next try.
   *
   * @param what what failed, for the escalation line ("enroll", "renew its certificate")
   * @param line the whole failure, for the per-cause line
   * @param slow the issuer's own pace after a refusal, if it has one, instead of the backoff
   * @param deadline when the certificate in use expires; empty while enrolling (nothing to lose)
   * @return when to try again, and with what timeout
   */
  Attempt failed(
      EnrollmentException e,
      String what,
      String line,
      Optional<Duration> slow,
      Optional<Instant> deadline) {
    Instant now = clock.instant();
    // A CloudHub that answered 429/503 with Retry-After is not asked again sooner than that.
    Duration wait = slow.isPresent() ? slow.get() : backoff.next(e.retryAfter());
    Attempt attempt =
        deadline.isPresent()
            ? beforeDeadline(wait, timeout, now, deadline.get())
            : new Attempt(wait, timeout, now.plus(wait));
    nextTimeout = attempt.timeout();
    // A time, not only a wait: a line read later never promises a retry that has passed.
    String next =
        "; retrying in "
            + GoDuration.format(attempt.delay())
            + " (at "
            + attempt.at()
            + (attempt.timeout().equals(timeout)
                ? ""
                : ", with a " + GoDuration.format(attempt.timeout()) + " timeout")
            + ")";
    report(e, what, line, next, now);
    metrics.renewalFailed();
    return attempt;
  }

  /** A try failed that is not retried on a schedule (the link asks again): reports it only. */
  void failedOnce(EnrollmentException e, String what, String line) {
    report(e, what, line, "", clock.instant());
  }

  /**
   * Usable credentials are in hand: the backoff starts over, and a streak of failures ends with one
   * line saying how long it lasted.
   */
  void succeeded() {
    Instant now = clock.instant();
    backoff.reset();
    nextTimeout = timeout;
    metrics.credentialsObtained(now);
    streak
        .succeeded(now)
        .ifPresent(
            ended ->
                log.info(
                    "node {}: credentials obtained after {} of failures ({} attempts)",
                    node,
                    GoDuration.format(ended.lasted()),
                    ended.failures()));
  }

  private void report(EnrollmentException e, String what, String line, String next, Instant now) {
    switch (streak.failed(now, e.getMessage())) {
      case NEW_CAUSE -> {
        if (!e.isRetryable() || e.isLocalFault()) {
          // Someone must act (a new token, a full disk): one actionable line per distinct
          // problem, not one per attempt.
          log.error("{}{}", line, next);
        } else {
          log.warn("{}{}", line, next);
        }
      }
      case ESCALATE ->
          log.error(
              "node {} has failed to {} for {} ({} attempts); last cause: {}{}",
              node,
              what,
              GoDuration.format(streak.failingFor(now)),
              streak.failures(),
              e.getMessage(),
              next);
      case SUMMARY ->
          log.warn(
              "node {} still cannot {}: failing for {} ({} attempts); last cause: {}{}",
              node,
              what,
              GoDuration.format(streak.failingFor(now)),
              streak.failures(),
              e.getMessage(),
              next);
      case REPEAT, QUIET -> log.debug("{}{}", line, next);
    }
  }
}
