package dev.edgetrust.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How loudly to report the failures of a task that retries until it succeeds (a renewal, an
 * enrollment): a line for a new cause, quiet repeats, then — once it has failed for longer than
 * {@code escalateAfter} — exactly one ERROR with the duration and the last cause, and after that a
 * summary every {@code summaryEvery} instead of a line per attempt. A node that cannot reach its
 * PKI for half an hour then says so once, loudly, and a few times more, instead of hundreds of WARN
 * lines none of which says how long it has been.
 *
 * <p>It decides, the caller words and logs: each caller knows what failed (a node's certificate, a
 * server certificate) and which logger operators watch.
 *
 * <p>Not thread-safe: the retry loop that owns it is its only user.
 */
public final class FailureStreak {
  /** What a failure calls for. */
  public enum Report {
    /** The first failure since a success, or another cause than the last: one line. */
    NEW_CAUSE,
    /** The same cause again, before escalation: nothing an operator needs (debug at most). */
    REPEAT,
    /** Failing for longer than the threshold, for the first time in this streak: one ERROR. */
    ESCALATE,
    /** Still failing, and a summary interval has passed since the last loud line. */
    SUMMARY,
    /** Still failing after the escalation, between summaries: nothing. */
    QUIET
  }

  /** A streak that ended with a success: how long it lasted and how many failures it had. */
  public record Ended(Duration lasted, int failures) {}

  private final Duration escalateAfter;
  private final Duration summaryEvery;

  private Optional<Instant> lastSuccess = Optional.empty();
  private Optional<Instant> since = Optional.empty();
  private Instant lastLoud = Instant.MIN;
  private boolean escalated;
  private int failures;
  private String lastCause = "";

  /**
   * @param escalateAfter how long a task may fail before one ERROR says so
   * @param summaryEvery how often, after that, one line sums the streak up
   */
  public FailureStreak(Duration escalateAfter, Duration summaryEvery) {
    if (escalateAfter.isNegative()
        || escalateAfter.isZero()
        || summaryEvery.isNegative()
        || summaryEvery.isZero()) {
      throw new IllegalArgumentException(
          "need positive durations, was escalateAfter "
              + escalateAfter
              + ", summaryEvery "
              + summaryEvery);
    }
    this.escalateAfter = escalateAfter;
    this.summaryEvery = summaryEvery;
  }

  /** Counts a failure at {@code now} with {@code cause} (one line) and says how to report it. */
  public Report failed(Instant now, String cause) {
    Objects.requireNonNull(cause, "cause");
    boolean newCause = since.isEmpty() || !cause.equals(lastCause);
    if (since.isEmpty()) {
      since = Optional.of(now);
    }
    failures++;
    lastCause = cause;
    if (!escalated && !Duration.between(since.get(), now).minus(escalateAfter).isNegative()) {
      escalated = true;
      lastLoud = now;
      return Report.ESCALATE;
    }
    if (escalated) {
      if (Duration.between(lastLoud, now).minus(summaryEvery).isNegative()) {
        return Report.QUIET;
      }
      lastLoud = now;
      return Report.SUMMARY;
    }
    return newCause ? Report.NEW_CAUSE : Report.REPEAT;
  }

  /**
   * A success at {@code now}: the streak, if there was one, ends.
   *
   * @return the streak that ended, for a line saying the task recovered
   */
  public Optional<Ended> succeeded(Instant now) {
    Optional<Ended> ended = since.map(start -> new Ended(Duration.between(start, now), failures));
    lastSuccess = Optional.of(now);
    since = Optional.empty();
    escalated = false;
    failures = 0;
    lastCause = "";
    return ended;
  }

  /** When the task last succeeded; empty before its first success. */
  public Optional<Instant> lastSuccess() {
    return lastSuccess;
  }

  /** How long the current streak has lasted at {@code now}; zero when there is none. */
  public Duration failingFor(Instant now) {
    return since.map(start -> Duration.between(start, now)).orElse(Duration.ZERO);
  }

  /** Failures in the current streak. */
  public int failures() {
    return failures;
  }

  /** The cause of the last failure in the current streak; empty when there is none. */
  public String lastCause() {
    return lastCause;
  }

  public Duration escalateAfter() {
    return escalateAfter;
  }
}
