package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PKI that signs but can neither block nodes nor revoke certificates (as CFSSL 1.2.0): the
 * CloudHub keeps the block and the revoked serials in its own list, so that a block still refuses
 * the node's handshakes, upgrades and enrollments, survives a restart, and an unblock lets it back.
 */
class PkiWithoutBlockingTest {
  private static final NodeName EDGE_1 = NodeName.of("edge-1");

  @TempDir Path dir;

  private HubFixture start() throws Exception {
    return HubFixture.start(dir, s -> s, StandInPki::signOnly);
  }

  @Test
  void blockOnAPkiThatCannotBlock_isHeldByTheCloudHub_acrossARestart_untilUnblocked()
      throws Exception {
    HeldCertificate lost;
    Path localList;
    try (HubFixture f = start()) {
      lost = f.enroll("edge-1");
      f.connected(lost, "edge-1");

      BlockReport report = f.hub.nodeAccess().block(EDGE_1, "operator-test");

      assertThat(report.outcome()).isEqualTo(BlockReport.Outcome.DONE);
      assertThat(report.steps().get(0).detail())
          .startsWith(
              "the sign-only PKI cannot block nodes: the CloudHub refuses node edge-1 by name itself");
      assertThat(report.steps().get(1).detail())
          .contains("revoked 1 serial")
          .contains(
              "the sign-only PKI cannot revoke certificates: the CloudHub refuses these serials itself");
      await().until(() -> f.hub.session(EDGE_1).isEmpty());
      assertThat(f.tryConnect(lost, "edge-1"))
          .as("handshake with the lost device's certificate")
          .isEqualTo("tls");
      assertThat(tokenEnrollment(f, "edge-1").statusCode())
          .as("a token enrollment under the blocked name")
          .isEqualTo(403);
      assertThat(f.hub.nodeAccess().nodes())
          .filteredOn(n -> n.node().equals(EDGE_1))
          .singleElement()
          .satisfies(n -> assertThat(n.blocked()).isTrue());

      localList = f.settings.revocation().localListFile();
      assertThat(Files.getPosixFilePermissions(localList))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    try (HubFixture f = start()) {
      assertThat(f.hub.nodeAccess().isBlocked(EDGE_1)).as("blocked after a restart").isTrue();
      assertThat(f.tryConnect(lost, "edge-1")).as("handshake after a restart").isEqualTo("tls");
      assertThat(tokenEnrollment(f, "edge-1").statusCode())
          .as("enrollment after a restart")
          .isEqualTo(403);

      BlockReport report = f.hub.nodeAccess().unblock(EDGE_1, "operator-test");

      assertThat(report.outcome()).isEqualTo(BlockReport.Outcome.DONE);
      assertThat(report.steps().get(0).detail())
          .contains("the CloudHub no longer refuses node edge-1 by name");
      assertThat(f.tryConnect(lost, "edge-1"))
          .as("the lost certificate stays revoked")
          .isEqualTo("tls");
      HeldCertificate renewed = f.enroll("edge-1");
      assertThat(f.tryConnect(renewed, "edge-1"))
          .as("a new enrollment after the unblock")
          .isEqualTo("open");
    }
  }

  @Test
  void otherNodes_areNotTouchedByABlockTheCloudHubHolds() throws Exception {
    try (HubFixture f = start()) {
      HeldCertificate two = f.enroll("edge-2");
      f.hub.nodeAccess().block(EDGE_1, "operator-test");

      assertThat(f.tryConnect(two, "edge-2")).isEqualTo("open");
    }
  }

  private static HttpResponse<byte[]> tokenEnrollment(HubFixture f, String node) throws Exception {
    Csr csr = Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge"));
    return f.edgeCrt(
        Optional.empty(),
        Map.of("NodeName", node, "Authorization", "Bearer " + f.jwt()),
        csr.der());
  }
}
