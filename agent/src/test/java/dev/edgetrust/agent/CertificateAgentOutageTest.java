package dev.edgetrust.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.retry.Backoff;
import dev.edgetrust.x509.HeldCertificate;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The agent while the PKI is away: retries held to the server certificate's end, and one ERROR then
 * summaries instead of a line per attempt.
 */
class CertificateAgentOutageTest {
  private static final Pattern RETRY_AT = Pattern.compile("retrying in \\S+ \\(at (\\S+)\\)");

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Logger agentLog = (Logger) LoggerFactory.getLogger(CertificateAgent.class);

  private Level levelBefore;

  @BeforeEach
  void capture() {
    captured.start();
    agentLog.addAppender(captured);
    // The repeats of a cause are DEBUG lines: their promised times are checked too.
    levelBefore = agentLog.getLevel();
    agentLog.setLevel(Level.DEBUG);
  }

  @AfterEach
  void release() {
    agentLog.detachAppender(captured);
    agentLog.setLevel(levelBefore);
  }

  private CertificateAgent.Target target(Duration lifetime) throws Exception {
    return new CertificateAgent.Target(
        dir.resolve("shared/server.key"),
        dir.resolve("shared/server.crt"),
        dir.resolve("shared/ca.crt"),
        "cloudhub",
        List.of("cloudhub.kubeedge.svc"),
        List.of(InetAddress.getByName("10.0.0.7")),
        lifetime);
  }

  private BuiltinCa ca(Clock clock) throws Exception {
    return BuiltinCa.loadOrCreate(
        BuiltinCaFiles.of(dir.resolve("pki/ca.crt"), dir.resolve("pki/ca.key")), clock);
  }

  private List<ILoggingEvent> events(Level level, String containing) {
    return captured.list.stream()
        .filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(containing))
        .toList();
  }

  @Test
  void seventeenSecondsLeft_andABackoffGrownPastAMinute_theNextTryStillEndsBeforeTheCertificate() {
    Instant now = Instant.parse("2026-12-03T12:00:00Z");
    Instant notAfter = now.plusSeconds(17);
    for (int failures = 7; failures < 40; failures++) {
      assertThat(CertificateAgent.retryDelay(failures)).isGreaterThan(Duration.ofSeconds(30));

      Backoff.Attempt next = CertificateAgent.retry(failures, now, Optional.of(notAfter));

      assertThat(next.at().plus(next.timeout())).isBeforeOrEqualTo(notAfter);
    }
  }

  @Test
  void aShortCertificate_isRenewedEarlyEnoughForTwoTries_butNotBeforeHalfItsLife()
      throws Exception {
    HeldCertificate twoMinutes =
        new CertificateAgent(
                ca(Clock.systemUTC()), target(Duration.ofMinutes(2)), Clock.systemUTC())
            .renewNow();

    Instant at = CertificateAgent.renewalTime(twoMinutes);

    assertThat(Duration.between(at, twoMinutes.notAfter()))
        .isGreaterThanOrEqualTo(CertificateAgent.TRY_TIMEOUT.multipliedBy(2));
    Duration life = Duration.between(twoMinutes.notBefore(), twoMinutes.notAfter());
    assertThat(at).isAfterOrEqualTo(twoMinutes.notBefore().plus(life.dividedBy(2)));
  }

  @Test
  void seventeenSecondsLeft_whileThePkiIsDown_renewsOnceItIsBack_beforeTheCertificateExpires()
      throws Exception {
    // Signed 40 s ago (by the CA's clock) for 57 s: 17 s left, long past its renewal time.
    HeldCertificate old =
        new CertificateAgent(
                ca(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-40))),
                target(Duration.ofSeconds(57)),
                Clock.systemUTC())
            .renewNow();
    CertificateAgentTest.Switchable pki =
        new CertificateAgentTest.Switchable(ca(Clock.systemUTC()));
    pki.down.set(true);
    CertificateAgent agent =
        new CertificateAgent(pki, target(Duration.ofMinutes(2)), Clock.systemUTC());
    Thread sidecar = new Thread(agent::run, "agent-under-test");
    sidecar.start();
    try {
      await().atMost(Duration.ofSeconds(15)).until(() -> pki.refused.get() >= 2);
      pki.down.set(false);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> agent.current().map(h -> !h.serialHex().equals(old.serialHex())).orElse(false));
    } finally {
      agent.stop();
      sidecar.join(10_000);
    }

    ILoggingEvent written = events(Level.INFO, "server certificate written").get(0);
    assertThat(Instant.ofEpochMilli(written.getTimeStamp())).isBefore(old.notAfter());
    List<Instant> promised = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      Matcher m = RETRY_AT.matcher(e.getFormattedMessage());
      if (m.find()) {
        promised.add(Instant.parse(m.group(1)));
      }
    }
    assertThat(promised).hasSizeGreaterThanOrEqualTo(2);
    assertThat(promised).allSatisfy(at -> assertThat(at).isBefore(old.notAfter()));
    // One line for the cause, not one per attempt.
    assertThat(events(Level.WARN, "could not renew the server certificate")).hasSize(1);
    assertThat(events(Level.ERROR, "could not renew")).isEmpty();
  }

  @Test
  void pkiDownForLongerThanTheThreshold_oneErrorWithTheDuration_thenSummaries() throws Exception {
    // Ten seconds left: the retries close in on its end, so the streak is long within seconds.
    new CertificateAgent(
            ca(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-47))),
            target(Duration.ofSeconds(57)),
            Clock.systemUTC())
        .renewNow();
    CertificateAgentTest.Switchable pki =
        new CertificateAgentTest.Switchable(ca(Clock.systemUTC()));
    pki.down.set(true);
    CertificateAgent agent =
        new CertificateAgent(
            pki, target(Duration.ofMinutes(2)), Clock.systemUTC(), Duration.ofSeconds(2));
    Thread sidecar = new Thread(agent::run, "agent-under-test");
    sidecar.start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !events(Level.WARN, "still cannot be renewed").isEmpty());
    } finally {
      agent.stop();
      sidecar.join(10_000);
    }

    assertThat(events(Level.ERROR, "has not been renewed for"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .matches(
                        "the server certificate has not been renewed for \\d+s \\(\\d+ attempts\\);"
                            + " last cause: the PKI is down; the one in place .*; retrying in .*"));
    assertThat(events(Level.WARN, "could not renew the server certificate")).hasSize(1);
    assertThat(pki.refused.get()).isGreaterThanOrEqualTo(3);
  }
}
