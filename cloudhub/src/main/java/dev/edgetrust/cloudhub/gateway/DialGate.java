package dev.edgetrust.cloudhub.gateway;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Bounds how often cloudcore is dialed while it is unreachable, so that a down cloudcore does not
 * turn every edge reconnect into a dial (a thousand edges reconnecting would otherwise be a
 * thousand failing TLS handshakes a round).
 *
 * <p>While dials succeed, every session dials. After a failure no session dials for {@code
 * dialBackoff}; then one session probes while the others are refused, and the wait doubles with
 * each further failure up to {@code maxDialBackoff}. The first success lets everyone dial again.
 *
 * <p>Shared by every session of a gateway, on any event loop: the only state sessions share, and it
 * is guarded by this object's monitor.
 */
final class DialGate {
  /** What a session about to dial is told. */
  enum Decision {
    DIAL,
    /**
     * cloudcore failed recently: do not dial, close the edge session and let it come back later.
     */
    BACK_OFF
  }

  private final long firstBackoffNanos;
  private final long maxBackoffNanos;
  private final LongSupplier nanoTime;
  private int failures;
  private long closedUntil;
  private boolean probing;

  DialGate(Duration dialBackoff, Duration maxDialBackoff, LongSupplier nanoTime) {
    this.firstBackoffNanos = dialBackoff.toNanos();
    this.maxBackoffNanos = maxDialBackoff.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Whether to dial now. A {@link Decision#DIAL} must be followed by exactly one report. */
  synchronized Decision tryDial() {
    if (failures == 0) {
      return Decision.DIAL;
    }
    if (probing || nanoTime.getAsLong() - closedUntil < 0) {
      return Decision.BACK_OFF;
    }
    probing = true;
    return Decision.DIAL;
  }

  /** A dial reached cloudcore and its upgrade was accepted. */
  synchronized void succeeded() {
    failures = 0;
    probing = false;
  }

  /** A dial failed: connect, TLS or upgrade. */
  synchronized void failed() {
    failures = Math.min(failures + 1, 62);
    probing = false;
    closedUntil = nanoTime.getAsLong() + backoffNanos(failures);
  }

  /** A dial ended before it could tell (the edge left first): it says nothing about cloudcore. */
  synchronized void abandoned() {
    probing = false;
  }

  /** How long cloudcore is left alone after {@code failures} failures in a row. */
  private long backoffNanos(int failures) {
    long backoff = firstBackoffNanos;
    for (int i = 1; i < failures && backoff < maxBackoffNanos; i++) {
      backoff = backoff > maxBackoffNanos / 2 ? maxBackoffNanos : backoff * 2;
    }
    return Math.min(backoff, maxBackoffNanos);
  }

  /** For the log: the wait after the current run of failures. */
  synchronized Duration currentBackoff() {
    return failures == 0 ? Duration.ZERO : Duration.ofNanos(backoffNanos(failures));
  }
}
