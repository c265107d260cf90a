package dev.edgetrust.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a node blocked on the built-in CA comes back by itself once unblocked. A real CloudHub
 * and a real EdgeHub on loopback: the block closes the session with a revocation notice, the edge
 * stops dialling with the revoked certificate and tries to enroll anew with the token in its
 * tokenFile, is refused while blocked (one log line, not one per retry), and after the unblock the
 * same EdgeHub process enrolls and reconnects with a new serial. No restart, no hands.
 */
class RecoveryAfterUnblockTest {
  private static final NodeName NODE = NodeName.of("edge-lost");
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir Path dir;

  private record World(BuiltinCa ca, CloudHub cloud, EdgeHubSettings edge) {}

  private World start(boolean withToken) throws Exception {
    CloudHubSettings settings = CloudHubSettings.loopback(dir.resolve("cloud"));
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()),
            Clock.systemUTC());
    CloudHub cloud = CloudHub.start(settings, ca, new CloudHubListener() {}, Clock.systemUTC());
    Path tokenFile = dir.resolve("edge/join-token");
    if (withToken) {
      writeToken(ca, tokenFile);
    }
    EdgeHubSettings edge =
        EdgeHubSettings.builder(
                NODE,
                new ServerAddress("127.0.0.1", cloud.websocketAddress().orElseThrow().getPort()),
                URI.create("https://127.0.0.1:" + cloud.bootstrapAddress().orElseThrow().getPort()),
                dir.resolve("edge"))
            .tokenFile(tokenFile)
            .build();
    return new World(ca, cloud, edge);
  }

  private static void writeToken(BuiltinCa ca, Path tokenFile) throws Exception {
    AtomicFile.writeSecret(
        tokenFile,
        ca.mintJoinToken(Duration.ofHours(1)).value().getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void blockedThenUnblocked_theSameEdgeHubReEnrollsWithItsTokenFileAndReconnectsWithANewSerial()
      throws Exception {
    World w = start(true);
    // The repeats of a refusal are logged at DEBUG: seen here to count them.
    ch.qos.logback.classic.Logger edgeLog =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(EdgeHub.class);
    edgeLog.setLevel(Level.DEBUG);
    try (LogCapture log = LogCapture.attach();
        CloudHub cloud = w.cloud();
        EdgeHub edge = EdgeHub.builder(w.edge()).build()) {
      edge.start();
      await().atMost(PATIENCE).until(() -> cloud.session(NODE).isPresent());
      String first = cloud.session(NODE).orElseThrow().serialHex();

      BlockReport blocked = cloud.nodeAccess().block(NODE, "test");

      assertThat(blocked.outcome()).isEqualTo(BlockReport.Outcome.DONE);
      // The session is closed with the notice, and the edge's enrollment is refused while blocked.
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  edge.status().state() == ConnectionState.ENROLLING
                      && edge.status()
                          .detail()
                          .map(d -> d.contains("node " + NODE + " is blocked"))
                          .orElse(false));
      assertThat(cloud.session(NODE)).isEmpty();
      assertThat(log.lines(Level.WARN, "the CloudHub retired certificate serial " + first))
          .hasSize(1);
      // Refused more than once, said once.
      await()
          .atMost(PATIENCE)
          .until(() -> log.lines(Level.DEBUG, "cannot enroll anew yet").size() >= 1);
      assertThat(log.lines(Level.ERROR, "cannot enroll anew yet")).hasSize(1);

      BlockReport unblocked = cloud.nodeAccess().unblock(NODE, "test");

      assertThat(unblocked.outcome()).isEqualTo(BlockReport.Outcome.DONE);
      assertThat(unblocked.nextStep())
          .contains("edgetrust EdgeHub re-enrolls by itself")
          .contains("./edgetrust token --node " + NODE)
          .contains("stock edgecore cannot re-enroll by itself");
      await()
          .atMost(PATIENCE)
          .until(() -> cloud.session(NODE).map(s -> !s.serialHex().equals(first)).orElse(false));
      String second = cloud.session(NODE).orElseThrow().serialHex();
      // Observed: the edge reads the upgrade answer a moment after the CloudHub registers it.
      await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
      assertThat(edge.status().certificateSerial()).contains(second);
      // The old certificate stays revoked; the new one is a different key's.
      assertThat(w.ca().revocationList().isRevoked(new BigInteger(first.replace(":", ""), 16)))
          .isTrue();
      assertThat(log.lines(Level.INFO, "enrolled anew after the revocation of serial " + first))
          .hasSize(1);
    } finally {
      edgeLog.setLevel(null);
    }
  }

  @Test
  void withoutAToken_oneLineSaysWhatToDo_andATokenWrittenLaterBringsItBackWithoutARestart()
      throws Exception {
    World w = start(false);
    Path tokenFile = w.edge().tokenFile().orElseThrow();
    // Enrolled once by hand (the token then removed, as a careful operator might).
    writeToken(w.ca(), tokenFile);
    try (LogCapture log = LogCapture.attach();
        CloudHub cloud = w.cloud();
        EdgeHub edge = EdgeHub.builder(w.edge()).build()) {
      edge.start();
      await().atMost(PATIENCE).until(() -> cloud.session(NODE).isPresent());
      String first = cloud.session(NODE).orElseThrow().serialHex();
      java.nio.file.Files.delete(tokenFile);

      cloud.nodeAccess().block(NODE, "test");
      cloud.nodeAccess().unblock(NODE, "test");

      await()
          .atMost(PATIENCE)
          .until(() -> log.lines(Level.ERROR, "there is no join token to enroll with").size() == 1);
      assertThat(log.lines(Level.ERROR, "there is no join token to enroll with").get(0))
          .contains(tokenFile.toString())
          .contains("retired certificate serial " + first);

      writeToken(w.ca(), tokenFile);

      await()
          .atMost(PATIENCE)
          .until(() -> cloud.session(NODE).map(s -> !s.serialHex().equals(first)).orElse(false));
      assertThat(log.lines(Level.ERROR, "there is no join token to enroll with")).hasSize(1);
    }
  }

  @Test
  void offlineDuringTheBlock_refusedHandshakesLeadItToEnrollAnewOnceUnblocked() throws Exception {
    World w = start(true);
    try (LogCapture log = LogCapture.attach();
        CloudHub cloud = w.cloud()) {
      String first;
      try (EdgeHub edge = EdgeHub.builder(w.edge()).build()) {
        edge.start();
        await().atMost(PATIENCE).until(() -> cloud.session(NODE).isPresent());
        first = cloud.session(NODE).orElseThrow().serialHex();
      }
      await().atMost(PATIENCE).until(() -> cloud.session(NODE).isEmpty());
      // Blocked and unblocked while the node was away: it never saw a close notice, and its
      // certificate on disk stays revoked.
      cloud.nodeAccess().block(NODE, "test");
      cloud.nodeAccess().unblock(NODE, "test");

      try (EdgeHub edge = EdgeHub.builder(w.edge()).build()) {
        edge.start();

        // Only the bare TLS refusal to go on: after a few in a row it enrolls anew, and is let in.
        await()
            .atMost(PATIENCE)
            .until(() -> cloud.session(NODE).map(s -> !s.serialHex().equals(first)).orElse(false));
        // The CloudHub registers the session when it answers the upgrade; the edge is connected
        // once it has read that answer, a moment later: observed, not sampled.
        await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
        assertThat(
                log.lines(Level.INFO, "enrolled anew after repeated refusals of serial " + first))
            .hasSize(1);
      }
    }
  }
}
