package dev.edgetrust.cloudhub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.cloudhub.config.JoinTokens;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The join token model at {@code /edge.crt}, over real TLS on loopback with the built-in CA: a
 * token never takes over a name in use, a node-bound token enrolls its node once, and an operator's
 * reset frees a name for one new enrollment.
 */
class JoinTokenModelTest {
  static final NodeName EDGE_1 = NodeName.of("edge-1");

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

  private static String jwtOf(MintedJoinToken token) {
    return token.value().substring(token.value().indexOf('.') + 1);
  }

  private String boundJwt(String node) {
    return jwtOf(f.ca.mintJoinToken(NodeName.of(node), Duration.ofHours(1)));
  }

  private HttpResponse<byte[]> enroll(String node, String jwt) throws Exception {
    return f.edgeCrt(
        Optional.empty(), Map.of("NodeName", node, "Authorization", "Bearer " + jwt), csr());
  }

  private HeldCertificate enrolled(String node, String jwt) throws Exception {
    KeyPair keys = Keys.newP256();
    HttpResponse<byte[]> response =
        f.edgeCrt(
            Optional.empty(),
            Map.of("NodeName", node, "Authorization", "Bearer " + jwt),
            Csr.create(keys, new X500Principal("CN=kubeedge.io")).der());
    assertThat(response.statusCode()).as(new String(response.body(), UTF_8)).isEqualTo(200);
    return new HeldCertificate(
        keys.getPrivate(), List.of(Certificates.parseDer(response.body()), f.ca.caCertificate()));
  }

  private static String body(HttpResponse<byte[]> response) {
    return new String(response.body(), UTF_8);
  }

  private List<JsonNode> audit(String action) throws Exception {
    return f.audit().stream().filter(l -> l.path("action").asText().equals(action)).toList();
  }

  @Test
  void sharedTokenForLiveNode_isRefusedWith409_andTheLiveSessionStays() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate owner = f.enroll("edge-1");
    HubFixture.Client session = f.connected(owner, "edge-1");

    HttpResponse<byte[]> takeover = enroll("edge-1", f.jwt());

    assertThat(takeover.statusCode()).isEqualTo(409);
    assertThat(body(takeover).strip())
        .doesNotContain("\n")
        .contains("node edge-1 has a live session")
        .contains("./edgetrust node reset edge-1");
    assertThat(f.hub.session(EDGE_1)).isPresent();
    assertThat(session.closes).isEmpty();
    assertThat(audit("refuse-enrollment")).hasSize(1);
    assertThat(audit("refuse-enrollment").get(0).path("who").asText()).startsWith("token:sha256:");
  }

  @Test
  void sharedTokenForEnrolledOfflineNode_isRefusedWith409() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate owner = f.enroll("edge-1");

    HttpResponse<byte[]> takeover = enroll("edge-1", f.jwt());

    assertThat(takeover.statusCode()).isEqualTo(409);
    assertThat(body(takeover)).contains("holds a valid certificate (serial " + owner.serialHex());
  }

  @Test
  void sharedTokenForAFreshName_stillEnrolls() throws Exception {
    f = HubFixture.start(dir);
    f.enroll("edge-1");

    assertThat(enroll("edge-2", f.jwt()).statusCode()).isEqualTo(200);
  }

  @Test
  void concurrentTokenEnrollmentsForOneFreeName_exactlyOneWins() throws Exception {
    f = HubFixture.start(dir);
    String jwt = f.jwt();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(pool.submit(() -> enroll("edge-1", jwt).statusCode()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> a : answers) {
        statuses.add(a.get());
      }

      assertThat(statuses).containsOnly(200, 409);
      assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void nodeBoundToken_enrollsItsNode() throws Exception {
    f = HubFixture.start(dir);

    HeldCertificate cert = enrolled("edge-1", boundJwt("edge-1"));

    assertThat(NodeName.fromCertificate(cert.certificate())).isEqualTo(EDGE_1);
  }

  @Test
  void nodeBoundToken_forAnotherName_isRefusedWith403_andStaysUnused() throws Exception {
    f = HubFixture.start(dir);
    String jwt = boundJwt("edge-1");

    HttpResponse<byte[]> other = enroll("edge-2", jwt);

    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(body(other).strip())
        .isEqualTo("join token is bound to node 'edge-1'; it cannot enroll node 'edge-2'");
    assertThat(enroll("edge-1", jwt).statusCode()).isEqualTo(200);
  }

  @Test
  void nodeBoundToken_secondUse_isRefusedWith403NamingNodeAndTime() throws Exception {
    f = HubFixture.start(dir);
    String jwt = boundJwt("edge-1");
    enrolled("edge-1", jwt);

    HttpResponse<byte[]> again = enroll("edge-1", jwt);

    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(body(again).strip())
        .matches("join token already used for node edge-1 at \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");
  }

  @Test
  void nodeBoundToken_usedBeforeARestart_isRefusedAfterIt() throws Exception {
    f = HubFixture.start(dir);
    String jwt = boundJwt("edge-1");
    enrolled("edge-1", jwt);
    f.close();

    f = HubFixture.start(dir);
    // Even once the name is free again, the used token stays used.
    f.hub.nodeAccess().reset(EDGE_1, "test operator");
    HttpResponse<byte[]> again = enroll("edge-1", jwt);

    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(body(again)).startsWith("join token already used for node edge-1 at ");
  }

  @Test
  void useThatCannotBeRecorded_returnsNoCertificate_andTheTokenStaysUsable() throws Exception {
    f = HubFixture.start(dir);
    String jwt = boundJwt("edge-1");
    // A directory where the used-token file goes: its atomic replacement fails, as on a failing
    // disk.
    Path used = f.settings.caKeyFile().resolveSibling("used-join-tokens.json");
    Files.createDirectories(used.resolve("blocker"));

    HttpResponse<byte[]> failed = enroll("edge-1", jwt);

    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(body(failed)).contains("cannot record the use of join token");
    assertThat(f.ca.issuedSerials(EDGE_1)).isEmpty();
    assertThat(f.hub.nodeAccess().inventory().serials(EDGE_1)).isEmpty();

    Files.delete(used.resolve("blocker"));
    Files.delete(used);
    assertThat(enroll("edge-1", jwt).statusCode()).isEqualTo(200);
    assertThat(Files.readString(used)).contains("edge-1");
  }

  @Test
  void nodeBoundTokenForLiveNode_isRefusedWith409_untilReset() throws Exception {
    f = HubFixture.start(dir);
    f.connected(f.enroll("edge-1"), "edge-1");
    String jwt = boundJwt("edge-1");

    HttpResponse<byte[]> refused = enroll("edge-1", jwt);
    assertThat(refused.statusCode()).isEqualTo(409);

    f.hub.nodeAccess().reset(EDGE_1, "test operator");
    assertThat(enroll("edge-1", jwt).statusCode())
        .as("a token refused for the name in use is not spent")
        .isEqualTo(200);
  }

  @Test
  void reset_revokesClosesAndFreesTheNameForOneNewEnrollment() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate old = f.enroll("edge-1");
    HubFixture.Client session = f.connected(old, "edge-1");
    String shared = f.jwt();

    BlockReport report = f.hub.nodeAccess().reset(EDGE_1, "test operator");

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.action()).isEqualTo(BlockReport.Action.RESET);
    assertThat(report.nextStep())
        .contains("./edgetrust token --config <cloudcore.yaml> --node edge-1");
    await().until(() -> f.hub.session(EDGE_1).isEmpty());
    assertThat(session.closes).isNotEmpty();
    assertThat(f.tryConnect(old, "edge-1")).isEqualTo("tls");
    HeldCertificate replacement = enrolled("edge-1", shared);
    assertThat(replacement.serialHex()).isNotEqualTo(old.serialHex());
    assertThat(enroll("edge-1", shared).statusCode())
        .as("only one enrollment per reset")
        .isEqualTo(409);
    assertThat(f.tryConnect(replacement, "edge-1")).isEqualTo("open");
    assertThat(audit("reset"))
        .singleElement()
        .satisfies(l -> assertThat(l.path("who").asText()).isEqualTo("test operator"));
  }

  @Test
  void resetOfABlockedNode_saysItStaysBlocked() throws Exception {
    f = HubFixture.start(dir);
    f.enroll("edge-1");
    f.hub.nodeAccess().block(EDGE_1, "test operator");

    BlockReport report = f.hub.nodeAccess().reset(EDGE_1, "test operator");

    assertThat(report.outcome()).isEqualTo(BlockReport.Outcome.PARTIAL);
    assertThat(report.steps().get(2).detail())
        .contains("is blocked")
        .contains("node unblock edge-1");
    assertThat(enroll("edge-1", f.jwt()).statusCode()).isEqualTo(403);
  }

  @Test
  void blockedNode_isRefusedWithANodeBoundTokenToo() throws Exception {
    f = HubFixture.start(dir);
    f.hub.nodeAccess().block(EDGE_1, "test operator");

    HttpResponse<byte[]> refused = enroll("edge-1", boundJwt("edge-1"));

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(body(refused)).contains("node edge-1 is blocked");
  }

  @Test
  void joinTokensNodeBound_refusesASharedToken_andAcceptsABoundOne() throws Exception {
    f = HubFixture.start(dir, s -> s.toBuilder().joinTokens(JoinTokens.NODE_BOUND).build());

    HttpResponse<byte[]> shared = enroll("edge-1", f.jwt());

    assertThat(shared.statusCode()).isEqualTo(403);
    assertThat(body(shared).strip())
        .doesNotContain("\n")
        .contains("modules.cloudHub.joinTokens: nodeBound")
        .contains("./edgetrust token --config <cloudcore.yaml> --node edge-1");
    assertThat(enroll("edge-1", boundJwt("edge-1")).statusCode()).isEqualTo(200);
  }

  @Test
  void renewal_isNotAffectedByTheNameCheck() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate cert = f.enroll("edge-1");
    f.connected(cert, "edge-1");

    HttpResponse<byte[]> renewal =
        f.edgeCrt(Optional.of(cert), Map.of("NodeName", "edge-1"), csr());

    assertThat(renewal.statusCode()).isEqualTo(200);
  }
}
