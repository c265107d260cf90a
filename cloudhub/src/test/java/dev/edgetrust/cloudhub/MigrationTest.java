package dev.edgetrust.cloudhub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.MetricsSettings;
import dev.edgetrust.cloudhub.config.MigrationSettings;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Taking over a cloudcore fleet (issue 13): certificates and join tokens minted as cloudcore mints
 * them, from the same CA, against a CloudHub in migration mode, over real TLS on loopback.
 */
class MigrationTest {
  @TempDir Path dir;
  HubFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private static UnaryOperator<CloudHubSettings> migrationUntil(Instant until) {
    return s -> s.toBuilder().migration(MigrationSettings.until(until)).build();
  }

  /** Migration mode ending a month from now. */
  private final UnaryOperator<CloudHubSettings> migrating =
      migrationUntil(Instant.now().plus(Duration.ofDays(30)));

  @Test
  void cloudcoreCertificate_isRefusedOutsideMigrationMode() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate legacy = CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365));

    assertThat(f.tryConnect(legacy, "edge-1")).isEqualTo("http 403");
  }

  @Test
  void cloudcoreCertificate_connectsInMigrationMode_boundToItsNodeId() throws Exception {
    f = HubFixture.start(dir, migrating);
    HeldCertificate legacy = CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365));

    f.connected(legacy, "edge-1");

    assertThat(f.hub.session(NodeName.of("edge-1")).orElseThrow().serialHex())
        .isEqualTo(
            dev.edgetrust.x509.SerialNumbers.toColonHex(legacy.certificate().getSerialNumber()));
    assertThat(f.audit())
        .anySatisfy(
            line -> {
              assertThat(line.path("action").asText()).isEqualTo("legacy-bind");
              assertThat(line.path("node").asText()).isEqualTo("edge-1");
            });
  }

  @Test
  void binding_survivesARestart_andRefusesTheSameCertificateAsAnotherNode() throws Exception {
    f = HubFixture.start(dir, migrating);
    HeldCertificate legacy = CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365));
    f.connected(legacy, "edge-1");
    f.close();

    f = HubFixture.start(dir, migrating);

    assertThat(f.tryConnect(legacy, "edge-2")).isEqualTo("http 403");
    f.connected(legacy, "edge-1");
  }

  @Test
  void secondCloudcoreCertificate_forABoundNode_isRefused() throws Exception {
    f = HubFixture.start(dir, migrating);
    f.connected(CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365)), "edge-1");

    HeldCertificate another = CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365));

    assertThat(f.tryConnect(another, "edge-1")).isEqualTo("http 403");
  }

  @Test
  void cloudcoreCertificate_cannotTakeANodeEnrolledHere() throws Exception {
    f = HubFixture.start(dir, migrating);
    f.enroll("edge-1");

    HeldCertificate legacy = CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365));

    assertThat(f.tryConnect(legacy, "edge-1")).isEqualTo("http 403");
  }

  @Test
  void cloudcoreCertificate_afterUntil_isRefusedAtTheHandshake_withALineNamingTheNode()
      throws Exception {
    f = HubFixture.start(dir, migrating);
    HeldCertificate legacy = CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365));
    f.connected(legacy, "edge-1");
    f.close();

    f = HubFixture.start(dir, migrationUntil(Instant.now().minusSeconds(60)));

    assertThat(f.tryConnect(legacy, "edge-1")).isEqualTo("tls");
    assertThat(f.audit())
        .anySatisfy(
            line ->
                assertThat(line.toString())
                    .contains("node 'edge-1' presents a cloudcore certificate")
                    .contains("after the migration ended")
                    .contains("re-enroll it"));
  }

  @Test
  void renewalWithACloudcoreCertificate_yieldsACertificateNamingTheBoundNode() throws Exception {
    f = HubFixture.start(dir, migrating);
    HeldCertificate legacy = CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365));
    f.connected(legacy, "edge-1");
    KeyPair keys = Keys.newP256();

    HttpResponse<byte[]> renewed =
        f.edgeCrt(
            Optional.of(legacy),
            Map.of("NodeName", "edge-1"),
            Csr.create(keys, new X500Principal("CN=kubeedge.io, O=kubeEdge")).der());

    assertThat(renewed.statusCode()).as(new String(renewed.body(), UTF_8)).isEqualTo(200);
    X509Certificate issued = Certificates.parseDer(renewed.body());
    assertThat(NodeName.fromCertificate(issued)).isEqualTo(NodeName.of("edge-1"));
    assertThat(issued.getSubjectX500Principal().getName()).contains("CN=system:node:edge-1");
    assertThat(f.audit())
        .anySatisfy(l -> assertThat(l.path("action").asText()).isEqualTo("legacy-convert"));
  }

  @Test
  void renewalWithACloudcoreCertificate_forAnotherNode_isRefused() throws Exception {
    f = HubFixture.start(dir, migrating);
    HeldCertificate legacy = CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365));
    f.connected(legacy, "edge-1");

    HttpResponse<byte[]> renewed =
        f.edgeCrt(
            Optional.of(legacy),
            Map.of("NodeName", "edge-2"),
            Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge")).der());

    assertThat(renewed.statusCode()).isEqualTo(403);
    assertThat(new String(renewed.body(), UTF_8)).contains("bound to node 'edge-1'");
  }

  @Test
  void cloudcoreJoinToken_enrollsInMigrationMode_andNotOutsideIt() throws Exception {
    f = HubFixture.start(dir, migrating);
    String token = CloudcoreMinted.joinToken(f, Instant.now().plus(Duration.ofHours(24)));
    String jwt = token.substring(token.indexOf('.') + 1);
    byte[] csr = Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge")).der();

    HttpResponse<byte[]> enrolled =
        f.edgeCrt(
            Optional.empty(), Map.of("NodeName", "edge-9", "Authorization", "Bearer " + jwt), csr);

    assertThat(enrolled.statusCode()).as(new String(enrolled.body(), UTF_8)).isEqualTo(200);
    assertThat(NodeName.fromCertificate(Certificates.parseDer(enrolled.body())))
        .isEqualTo(NodeName.of("edge-9"));
    f.close();

    f = HubFixture.start(dir);
    HttpResponse<byte[]> refused =
        f.edgeCrt(
            Optional.empty(), Map.of("NodeName", "edge-8", "Authorization", "Bearer " + jwt), csr);
    assertThat(refused.statusCode()).isEqualTo(401);
  }

  @Test
  void expiredCloudcoreJoinToken_isRefused() throws Exception {
    f = HubFixture.start(dir, migrating);
    String token = CloudcoreMinted.joinToken(f, Instant.now().minusSeconds(60));

    HttpResponse<byte[]> refused =
        f.edgeCrt(
            Optional.empty(),
            Map.of(
                "NodeName",
                "edge-9",
                "Authorization",
                "Bearer " + token.substring(token.indexOf('.') + 1)),
            Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge")).der());

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(new String(refused.body(), UTF_8)).contains("expired");
  }

  @Test
  void renamedNode_isToldWhichNameItsCertificateHolds_andHowToReEnroll() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate old = f.enroll("edge-old");

    String refusal = f.refusalBody(old, "edge-new");

    assertThat(refusal)
        .contains("client certificate's node 'edge-old'")
        .contains("./edgetrust token --config <cloudcore.yaml> --node edge-new");
  }

  @Test
  void progress_nodeListMarksCloudcoreNodes_andTheMetricCountsSessionsByCertificate()
      throws Exception {
    f =
        HubFixture.start(
            dir,
            s ->
                migrating.apply(s).toBuilder().metrics(MetricsSettings.on("127.0.0.1", 0)).build());
    f.connected(CloudcoreMinted.nodeCertificate(f, Duration.ofDays(365)), "edge-1");
    f.connected(f.enroll("edge-2"), "edge-2");

    assertThat(f.hub.nodeAccess().nodes())
        .extracting(n -> n.node().value() + " " + n.cloudcore())
        .containsExactly("edge-1 true", "edge-2 false");
    String metrics =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:"
                                + f.hub.metricsAddress().orElseThrow().getPort()
                                + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(
            MetricsEndpointTest.value(
                metrics, "edgetrust_cloudhub_sessions_by_certificate{certificate=\"cloudcore\"}"))
        .isEqualTo(1);
    assertThat(
            MetricsEndpointTest.value(
                metrics, "edgetrust_cloudhub_sessions_by_certificate{certificate=\"named\"}"))
        .isEqualTo(1);
  }
}
