package dev.edgetrust.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.enrollment.RenewalWindow;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.HeldCertificate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge whose clock is five minutes off the CloudHub's. The machine's clock cannot be changed for
 * one process, so the EdgeHub is given a clock of its own ({@link EdgeHub.Builder#clock}); the
 * CloudHub and its CA run on the real one. The built-in CA backdates notBefore by min(5 min,
 * ttl/10), so the certificate is already valid by the edge's clock even when it is behind.
 */
class ClockSkewTest {
  private static final Duration PATIENCE = Duration.ofSeconds(40);
  private static final Duration SKEW = Duration.ofMinutes(5);

  @TempDir Path dir;
  private Cloud cloud;
  private EdgeHub edge;

  @AfterEach
  void stop() {
    if (edge != null) {
      edge.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void edgeClockFiveMinutesBehind_enrollsRenewsAndConnects_andLogsTheSkew() throws Exception {
    enrollsRenewsAndConnectsWithSkew(SKEW.negated(), "behind");
  }

  @Test
  void edgeClockFiveMinutesAhead_enrollsRenewsAndConnects_andLogsTheSkew() throws Exception {
    enrollsRenewsAndConnectsWithSkew(SKEW, "ahead");
  }

  private void enrollsRenewsAndConnectsWithSkew(Duration skew, String direction) throws Exception {
    cloud = new Cloud(dir.resolve("cloud"), b -> b.edgeCertSigningDuration(Duration.ofHours(1)));
    NodeName node = NodeName.of("edge-skewed");
    Clock edgeClock = Clock.offset(Clock.systemUTC(), skew);
    EdgeHubSettings settings =
        cloud.edge(node, dir.resolve("edge")).toBuilder()
            .token(cloud.token(Duration.ofHours(1)))
            .build();
    try (LogCapture logs = LogCapture.attach()) {
      edge = EdgeHub.builder(settings).clock(edgeClock).build();
      edge.start();
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  cloud.sessionSerial(node).isPresent()
                      && edge.status().state() == ConnectionState.CONNECTED);
      String first = cloud.sessionSerial(node).orElseThrow();
      HeldCertificate held = settings.credentialFiles().read().orElseThrow();
      // Valid by the edge's own clock too: notBefore was backdated by the full five minutes.
      assertThat(held.notBefore()).isBeforeOrEqualTo(edgeClock.instant());

      // A renewal on the skewed clock: issued, adopted, and the CloudHub's handshake takes it.
      edge.renewNow().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      await()
          .atMost(PATIENCE)
          .until(() -> cloud.sessionSerial(node).filter(s -> !s.equals(first)).isPresent());
      assertThat(edge.status().certificateSerial()).isEqualTo(cloud.sessionSerial(node));
      assertThat(edge.status().state()).isEqualTo(ConnectionState.CONNECTED);

      assertThat(logs.lines(Level.WARN, "clock skew of about"))
          .isNotEmpty()
          .allSatisfy(
              line ->
                  assertThat(line)
                      .contains("node edge-skewed")
                      .contains("this node's clock is " + direction)
                      .containsPattern("clock skew of about (29\\d|30\\d|31\\d) s"));
      // One line for the skew, not one per request (enrollment, CA fetch, renewal).
      assertThat(logs.lines(Level.WARN, "clock skew of about")).hasSize(1);
    }
  }

  /**
   * Ahead by more than most of a certificate's life: a fresh certificate looks due for renewal the
   * moment it arrives. The edge renews early, which is fine, but it must not renew again and again.
   */
  @Test
  void edgeClockAheadByMostOfALifetime_renewsEarly_butDoesNotLoop() throws Exception {
    // Six minutes: backdated by 36 s; by a clock five minutes ahead, 70-90% of its life is past.
    cloud = new Cloud(dir.resolve("cloud"), b -> b.edgeCertSigningDuration(Duration.ofMinutes(6)));
    NodeName node = NodeName.of("edge-ahead");
    EdgeHubSettings settings =
        cloud.edge(node, dir.resolve("edge")).toBuilder()
            .token(cloud.token(Duration.ofHours(1)))
            .build();
    try (LogCapture logs = LogCapture.attach()) {
      // Renewal at exactly 70% (not a random point) so that "due at once" is certain.
      edge =
          EdgeHub.builder(settings)
              .clock(Clock.offset(Clock.systemUTC(), SKEW))
              .renewalWindow(new RenewalWindow(0.7, 0.7))
              .build();
      edge.start();
      // The enrolled certificate is due at once by the edge's clock: one renewal follows it.
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  edge.status().rotations() >= 1
                      && cloud.sessionSerial(node).equals(edge.status().certificateSerial()));
      int issued = cloud.issued.size();

      // Then no loop: a renewed certificate waits a tenth of its life (6 min + 36 s backdating,
      // so 39 s) however due it looks.
      await()
          .during(Duration.ofSeconds(8))
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  cloud.issued.size() == issued
                      && edge.status().state() == ConnectionState.CONNECTED);
      assertThat(logs.lines(Level.WARN, "is due for renewal as soon as it was issued"))
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("clock is probably ahead")
                      .contains("renewing in 39 s"));
    }
  }

  @Test
  void noSkew_noSkewLine() throws Exception {
    cloud = new Cloud(dir.resolve("cloud"), b -> b.edgeCertSigningDuration(Duration.ofHours(1)));
    NodeName node = NodeName.of("edge-on-time");
    EdgeHubSettings settings =
        cloud.edge(node, dir.resolve("edge")).toBuilder()
            .token(cloud.token(Duration.ofHours(1)))
            .build();
    try (LogCapture logs = LogCapture.attach()) {
      edge = EdgeHub.builder(settings).build();
      edge.start();
      await().atMost(PATIENCE).until(() -> cloud.sessionSerial(node).isPresent());
      edge.renewNow().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(logs.lines(Level.WARN, "clock skew")).isEmpty();
    }
  }
}
