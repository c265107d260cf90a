package dev.edgetrust.cloudhub.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.Csr;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end of a session at its certificate's notAfter, on the session's own event loop. */
class CertificateExpiryTest {
  @TempDir Path dir;
  X509Certificate certificate;
  Instant notAfter;
  MutableClock clock;
  EmbeddedChannel channel;
  Session session;
  final List<Session> ended = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("ca.crt"), dir.resolve("ca.key")), Clock.systemUTC());
    certificate =
        ca.sign(
                SigningRequest.forNode(
                    NodeName.of("edge-1"),
                    Csr.create(dev.edgetrust.x509.Keys.newP256(), new X500Principal("CN=x")),
                    Duration.ofHours(1)))
            .certificate();
    notAfter = certificate.getNotAfter().toInstant();
    clock = new MutableClock(notAfter.minusSeconds(10));
    channel = new EmbeddedChannel();
    session = new Session(NodeName.of("edge-1"), channel, certificate, clock.instant());
  }

  /** Moves the clock and the event loop's time together. */
  private void elapse(Duration d) {
    clock.now = clock.now.plus(d);
    channel.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void validThroughItsNotAfter_endedTheMillisecondAfter() {
    CertificateExpiry.watch(session, clock, ended::add);

    elapse(Duration.ofSeconds(10));
    assertThat(ended).as("at notAfter itself the certificate is still valid").isEmpty();

    elapse(Duration.ofMillis(1));
    assertThat(ended).containsExactly(session);
  }

  @Test
  void closedSession_leavesNothingScheduled_andIsNotEndedAgain() {
    CertificateExpiry.watch(session, clock, ended::add);
    assertThat(channel.runScheduledPendingTasks()).as("the expiry task").isPositive();

    channel.close();

    assertThat(channel.runScheduledPendingTasks()).as("nothing left scheduled").isEqualTo(-1);
    elapse(Duration.ofSeconds(11));
    assertThat(ended).isEmpty();
  }

  @Test
  void clockStillBeforeNotAfter_whenTheTaskFires_waitsForTheClock() {
    CertificateExpiry.watch(session, clock, ended::add);

    // The event loop's timer ran ahead of the wall clock (or the clock was set back).
    clock.now = notAfter.minusMillis(50);
    channel.advanceTimeBy(10_001, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(ended).isEmpty();

    clock.now = notAfter.plusMillis(50);
    channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(ended).containsExactly(session);
  }

  @Test
  void alreadyExpiredWhenWatched_isEndedAtOnce() {
    clock.now = notAfter.plusSeconds(5);

    CertificateExpiry.watch(session, clock, ended::add);
    channel.runScheduledPendingTasks();

    assertThat(ended).containsExactly(session);
  }

  static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
