package dev.edgetrust.cloudhub.websocket;

import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Ends a session when its client certificate does: certificate validity is checked at the
 * handshake, and without this a connected node would keep its session on an expired certificate for
 * as long as the connection lasts, which a short lifetime exists to prevent.
 *
 * <p>One task per session on the session's own event loop, due just after the certificate's
 * notAfter (valid through that second, as X.509 says) and cancelled when the connection closes, so
 * a closed session leaves nothing scheduled behind. The clock decides whether the time has come: a
 * task that fires while the clock still says "valid" waits for the rest.
 */
public final class CertificateExpiry {
  /** What ends a session whose certificate has expired: the CloudHub's one session closer. */
  @FunctionalInterface
  public interface Closer {
    void certificateExpired(Session session);
  }

  /** How long a task that fired early waits at least before it looks again. */
  private static final Duration RECHECK = Duration.ofMillis(100);

  private final Session session;
  private final Clock clock;
  private final Closer closer;

  private CertificateExpiry(Session session, Clock clock, Closer closer) {
    this.session = session;
    this.clock = clock;
    this.closer = closer;
  }

  /** Schedules the end of {@code session} at its certificate's notAfter. */
  static void watch(Session session, Clock clock, Closer closer) {
    new CertificateExpiry(session, clock, closer).scheduleIn(untilExpired(session, clock));
  }

  private void scheduleIn(Duration delay) {
    ScheduledFuture<?> due =
        session
            .channel()
            .eventLoop()
            .schedule(this::expireOrWait, delay.toMillis(), TimeUnit.MILLISECONDS);
    session.channel().closeFuture().addListener(f -> due.cancel(false));
  }

  private void expireOrWait() {
    if (!session.isOpen()) {
      return;
    }
    Duration left = untilExpired(session, clock);
    if (left.isZero()) {
      closer.certificateExpired(session);
    } else {
      scheduleIn(left.compareTo(RECHECK) < 0 ? RECHECK : left);
    }
  }

  /** Zero once the certificate has expired; otherwise the time to the first instant it has. */
  private static Duration untilExpired(Session session, Clock clock) {
    // Valid through notAfter: expired from the next millisecond on.
    Instant expired = session.certificate().getNotAfter().toInstant().plusMillis(1);
    Duration left = Duration.between(clock.instant(), expired);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
