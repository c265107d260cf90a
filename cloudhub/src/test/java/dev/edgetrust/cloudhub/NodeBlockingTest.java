package dev.edgetrust.cloudhub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.cloudhub.revocation.NodeStatus;
import dev.edgetrust.message.Message;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.SerialNumbers;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocking and revocation end to end: real TLS on loopback, the built-in CA's state on disk. */
class NodeBlockingTest {
  static final NodeName EDGE_1 = NodeName.of("edge-1");
  static final NodeName EDGE_2 = NodeName.of("edge-2");

  @TempDir Path dir;
  HubFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private static byte[] csr() {
    return Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge")).der();
  }

  private HttpResponse<byte[]> enrollWithToken(String node) throws Exception {
    return f.edgeCrt(
        Optional.empty(), Map.of("NodeName", node, "Authorization", "Bearer " + f.jwt()), csr());
  }

  private boolean renewalRefused(HeldCertificate cert, String node) throws Exception {
    try {
      HttpResponse<byte[]> response = f.edgeCrt(Optional.of(cert), Map.of("NodeName", node), csr());
      return response.statusCode() == 403;
    } catch (IOException refusedInTheHandshake) {
      return true;
    }
  }

  private List<JsonNode> audit(String action, NodeName node) throws Exception {
    return f.audit().stream()
        .filter(
            l ->
                l.path("action").asText().equals(action)
                    && l.path("node").asText().equals(node.value()))
        .toList();
  }

  @Test
  void block_closesTheLiveSession_refusesReconnectRenewalAndEnrollment_andLeavesOtherNodesAlone()
      throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate one = f.enroll("edge-1");
    HeldCertificate two = f.enroll("edge-2");
    HubFixture.Client first = f.connected(one, "edge-1");
    HubFixture.Client second = f.connected(two, "edge-2");

    BlockReport report = f.hub.nodeAccess().block(EDGE_1, "operator-test");

    assertThat(report.outcome()).isEqualTo(BlockReport.Outcome.DONE);
    assertThat(report.steps()).extracting(BlockReport.Step::id).containsExactly("a", "b", "c", "d");
    assertThat(report.steps()).allMatch(s -> s.outcome() == BlockReport.StepOutcome.DONE);
    assertThat(report.steps().get(1).detail()).contains(one.serialHex());
    assertThat(report.steps().get(2).detail()).startsWith("closed the session");
    assertThat(first.closes.poll(10, TimeUnit.SECONDS))
        .as("policy violation close")
        .isEqualTo(1008);
    await()
        .until(
            () ->
                f.hub.sessions().stream().map(SessionInfo::node).toList().equals(List.of(EDGE_2)));

    assertThat(f.tryConnect(one, "edge-1")).as("reconnect").isEqualTo("tls");
    assertThat(renewalRefused(one, "edge-1")).as("renewal").isTrue();
    HttpResponse<byte[]> enrollment = enrollWithToken("edge-1");
    assertThat(enrollment.statusCode()).as("token enrollment").isEqualTo(403);
    assertThat(new String(enrollment.body(), UTF_8)).contains("node edge-1 is blocked");

    // edge-2 carries on: its session still works, it renews, it reconnects.
    assertThat(
            f.hub.send(
                EDGE_2,
                Message.create(
                    new Message.Route("a", "b", "c", "d", "e"), TextNode.valueOf("still here"))))
        .isTrue();
    assertThat(second.messages.poll(10, TimeUnit.SECONDS).content().asText())
        .isEqualTo("still here");
    assertThat(f.edgeCrt(Optional.of(two), Map.of("NodeName", "edge-2"), csr()).statusCode())
        .isEqualTo(200);
    assertThat(second.closes).isEmpty();

    assertThat(audit("block", EDGE_1))
        .singleElement()
        .satisfies(l -> assertThat(l.path("who").asText()).isEqualTo("operator-test"))
        .satisfies(l -> assertThat(l.path("outcome").asText()).isEqualTo("done"));
    assertThat(audit("refuse-handshake", EDGE_1))
        .isNotEmpty()
        .allSatisfy(
            l ->
                assertThat(l.path("who").asText())
                    .isEqualTo(
                        "node:edge-1 serial "
                            + one.serialHex()
                            + " from 127.0.0.1:"
                            + l.path("who").asText().replaceAll(".*:", "")));
    assertThat(audit("refuse-enrollment", EDGE_1))
        .singleElement()
        .satisfies(l -> assertThat(l.path("who").asText()).startsWith("token:sha256:"));
    assertThat(audit("close-session", EDGE_1)).hasSize(1);
  }

  @Test
  void block_survivesACloudHubRestart() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate one = f.enroll("edge-1");
    f.connected(one, "edge-1");
    f.hub.nodeAccess().block(EDGE_1, "operator-test");
    f.close();

    f = HubFixture.start(dir);

    assertThat(f.tryConnect(one, "edge-1")).isEqualTo("tls");
    assertThat(enrollWithToken("edge-1").statusCode()).isEqualTo(403);
    assertThat(renewalRefused(one, "edge-1")).isTrue();
    assertThat(f.hub.nodeAccess().nodes())
        .filteredOn(s -> s.node().equals(EDGE_1))
        .singleElement()
        .satisfies(s -> assertThat(s.blocked()).isTrue())
        .satisfies(
            s ->
                assertThat(s.serialHex())
                    .as("remembered from the inventory")
                    .isEqualTo(one.serialHex()));
    assertThat(f.tryConnect(f.enroll("edge-2"), "edge-2")).isEqualTo("open");
  }

  @Test
  void unblockAndTokenEnrollment_letTheNodeBackWithANewSerial_whileTheOldSerialStaysRevoked()
      throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate old = f.enroll("edge-1");
    f.connected(old, "edge-1");
    f.hub.nodeAccess().block(EDGE_1, "operator-test");

    BlockReport report = f.hub.nodeAccess().unblock(EDGE_1, "operator-test");

    assertThat(report.outcome()).isEqualTo(BlockReport.Outcome.DONE);
    assertThat(report.steps()).extracting(BlockReport.Step::id).containsExactly("a", "d");
    assertThat(report.steps().get(1).detail()).contains("1 revoked serial stays revoked");
    assertThat(report.nextStep()).contains("./edgetrust token");
    assertThat(f.tryConnect(old, "edge-1")).as("the old certificate").isEqualTo("tls");

    HeldCertificate fresh = f.enroll("edge-1");

    assertThat(fresh.certificate().getSerialNumber())
        .isNotEqualTo(old.certificate().getSerialNumber());
    f.connected(fresh, "edge-1");
    assertThat(f.ca.revocationList().isRevoked(old.certificate().getSerialNumber())).isTrue();
    assertThat(f.ca.revocationList().isRevoked(fresh.certificate().getSerialNumber())).isFalse();
    assertThat(audit("unblock", EDGE_1)).hasSize(1);
  }

  @Test
  void serialRevokedDirectlyInThePki_isClosedWithinOneRefreshInterval_andRefusedAtTheNextHandshake()
      throws Exception {
    f =
        HubFixture.start(
            dir,
            s ->
                s.toBuilder()
                    .revocation(s.revocation().withRefreshInterval(Duration.ofMillis(500)))
                    .build());
    HeldCertificate one = f.enroll("edge-1");
    HubFixture.Client client = f.connected(one, "edge-1");
    HubFixture.Client other = f.connected(f.enroll("edge-2"), "edge-2");

    // Not through the CloudHub: as an operator revoking in the PKI (e.g. in Vault) would.
    f.ca.revoke(one.certificate().getSerialNumber());

    assertThat(client.closes.poll(30, TimeUnit.SECONDS)).isEqualTo(1008);
    await().until(() -> f.hub.session(EDGE_1).isEmpty());
    assertThat(f.tryConnect(one, "edge-1")).isEqualTo("tls");
    assertThat(f.hub.nodeAccess().isBlocked(EDGE_1)).as("revoked, not blocked").isFalse();
    assertThat(f.hub.session(EDGE_2)).isPresent();
    assertThat(other.closes).isEmpty();
    assertThat(f.audit())
        .anySatisfy(
            l ->
                assertThat(l.path("detail").asText())
                    .isEqualTo(
                        "certificate serial " + one.serialHex() + " of node edge-1 is revoked"));
  }

  @Test
  void serialSeenOnlyAtTheHandshake_isRevokedByABlock() throws Exception {
    // A PKI that keeps no list of what it issued, and a certificate the CloudHub did not issue:
    // the CloudHub knows the serial only because the node presented it.
    f =
        HubFixture.start(
            dir,
            s -> s,
            ca -> {
              StandInPki pki = new StandInPki(ca);
              pki.keepsNoInventory = true;
              return pki;
            });
    KeyPair keys = Keys.newP256();
    HeldCertificate outside =
        new HeldCertificate(
            keys.getPrivate(),
            List.of(
                f.ca
                    .sign(
                        SigningRequest.forNode(
                            EDGE_1,
                            Csr.create(keys, new X500Principal("CN=x")),
                            Set.of(CertificateUsage.CLIENT_AUTH),
                            Duration.ofHours(1)))
                    .certificate(),
                f.ca.caCertificate()));
    f.connected(outside, "edge-1");

    BlockReport report = f.hub.nodeAccess().block(EDGE_1, "operator-test");

    assertThat(report.steps().get(1).detail())
        .contains("revoked 1 serial")
        .contains(outside.serialHex());
    assertThat(f.ca.revocationList().isRevoked(outside.certificate().getSerialNumber())).isTrue();
  }

  @Test
  void failedRefresh_keepsTheLastGoodListUntilItsNextUpdate() throws Exception {
    f = HubFixture.start(dir, s -> s, StandInPki::new);
    StandInPki pki = (StandInPki) f.provider;
    pki.listValidity = Duration.ofHours(1);
    HeldCertificate revoked = f.enroll("edge-1");
    f.ca.revoke(revoked.certificate().getSerialNumber());
    assertThat(f.hub.nodeAccess().refresh()).isTrue();

    pki.listFailure = PkiException.unavailable("Vault is sealed", null);

    assertThat(f.hub.nodeAccess().refresh()).isFalse();
    assertThat(f.tryConnect(revoked, "edge-1"))
        .as("still refused on the last good list")
        .isEqualTo("tls");
    assertThat(f.tryConnect(f.enroll("edge-2"), "edge-2"))
        .as("others still accepted")
        .isEqualTo("open");
  }

  @Test
  void listPastItsNextUpdate_failsClosedByDefault_closingSessionsAndRefusingHandshakes()
      throws Exception {
    f = HubFixture.start(dir, s -> s, StandInPki::new);
    StandInPki pki = (StandInPki) f.provider;
    // A list fresh for as long as enrolling and connecting take, however slow the machine; only
    // with the session up does it get a short life (a 1 s list from the start could age out
    // before the handshake and refuse it).
    pki.listValidity = Duration.ofHours(1);
    HeldCertificate one = f.enroll("edge-1");
    assertThat(f.hub.nodeAccess().refresh()).isTrue();
    HubFixture.Client client = f.connected(one, "edge-1");
    pki.listValidity = Duration.ofSeconds(1);
    assertThat(f.hub.nodeAccess().refresh()).isTrue();

    pki.listFailure = PkiException.unavailable("Vault is sealed", null);
    Instant nextUpdate = pki.lastNextUpdate;
    await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(nextUpdate));
    f.hub.nodeAccess().refresh();

    // 1013 "try again later", not 1008: the certificate is not revoked, the CloudHub cannot tell,
    // and the node must keep its certificate and come back (RevocationNotice).
    assertThat(client.closes.poll(30, TimeUnit.SECONDS)).isEqualTo(1013);
    assertThat(f.tryConnect(one, "edge-1")).isEqualTo("tls");
    assertThat(f.audit())
        .anySatisfy(l -> assertThat(l.path("detail").asText()).contains("revocation.failClosed"));

    pki.listFailure = null;
    assertThat(f.hub.nodeAccess().refresh()).isTrue();
    assertThat(f.tryConnect(one, "edge-1")).as("a fresh list lets nodes back").isEqualTo("open");
  }

  @Test
  void listPastItsNextUpdate_withFailClosedOff_keepsAcceptingOnTheLastList() throws Exception {
    f =
        HubFixture.start(
            dir,
            s -> s.toBuilder().revocation(s.revocation().withFailClosed(false)).build(),
            StandInPki::new);
    StandInPki pki = (StandInPki) f.provider;
    pki.listValidity = Duration.ofSeconds(1);
    HeldCertificate one = f.enroll("edge-1");
    HeldCertificate revoked = f.enroll("edge-2");
    f.ca.revoke(revoked.certificate().getSerialNumber());
    assertThat(f.hub.nodeAccess().refresh()).isTrue();
    f.connected(one, "edge-1");

    pki.listFailure = PkiException.unavailable("Vault is sealed", null);
    Instant nextUpdate = pki.lastNextUpdate;
    await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(nextUpdate));
    f.hub.nodeAccess().refresh();

    assertThat(f.hub.session(EDGE_1)).isPresent();
    assertThat(f.tryConnect(f.enroll("edge-3"), "edge-3")).isEqualTo("open");
    assertThat(f.tryConnect(revoked, "edge-2")).as("the stale list still revokes").isEqualTo("tls");
  }

  @Test
  void nodeList_showsConnectedBlockedAndKnownNodes() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate one = f.enroll("edge-1");
    HeldCertificate two = f.enroll("edge-2");
    f.connected(one, "edge-1");
    f.hub.nodeAccess().block(EDGE_2, "operator-test");

    List<NodeStatus> nodes = f.hub.nodeAccess().nodes();

    assertThat(nodes).extracting(NodeStatus::node).containsExactly(EDGE_1, EDGE_2);
    NodeStatus connected = nodes.get(0);
    assertThat(connected.connected()).isTrue();
    assertThat(connected.since()).isNotNull();
    assertThat(connected.serialHex()).isEqualTo(one.serialHex());
    assertThat(connected.expiry()).isEqualTo(one.notAfter());
    assertThat(connected.blocked()).isFalse();
    NodeStatus blocked = nodes.get(1);
    assertThat(blocked.connected()).isFalse();
    assertThat(blocked.blocked()).isTrue();
    assertThat(blocked.serialHex()).isEqualTo(two.serialHex());
  }

  @Test
  void inventory_recordsIssuedAndSeenSerialsOnDisk() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate one = f.enroll("edge-1");
    f.connected(one, "edge-1");

    f.hub.nodeAccess().inventory().save();

    String json = java.nio.file.Files.readString(f.settings.revocation().inventoryFile());
    assertThat(json).contains("\"edge-1\"").contains(one.serialHex()).contains("\"issued\"");
    BigInteger serial = SerialNumbers.parse(one.serialHex());
    assertThat(f.hub.nodeAccess().inventory().serials(EDGE_1)).containsExactly(serial);
  }
}
