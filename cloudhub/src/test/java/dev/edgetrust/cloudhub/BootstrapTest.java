package dev.edgetrust.cloudhub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KubeEdge HTTPS bootstrap endpoints, over real TLS on loopback. */
class BootstrapTest {
  @TempDir Path dir;
  HubFixture f;

  @BeforeEach
  void start() throws Exception {
    f = HubFixture.start(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static byte[] csr(String subject) {
    return Csr.create(Keys.newP256(), new X500Principal(subject)).der();
  }

  @Test
  void caCrt_servesTheCaAsRawDer() throws Exception {
    // Like edgecore: no verification yet, the join token's hash does that.
    HttpClient http = HttpClient.newBuilder().sslContext(f.tls(f.enroll("probe"))).build();

    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(f.bootstrapUri("/ca.crt")).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Certificates.parseDer(response.body())).isEqualTo(f.ca.caCertificate());
  }

  @Test
  void enrollWithToken_subjectIsDecidedByCloudHubNotByTheCsr() throws Exception {
    HeldCertificate held = f.enroll("edge-1");

    X509Certificate cert = held.certificate();
    assertThat(cert.getSubjectX500Principal().getName())
        .isEqualTo("CN=system:node:edge-1,O=system:nodes");
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CertificateUsage.CLIENT_AUTH.oid());
    cert.verify(f.ca.caCertificate().getPublicKey());
  }

  @Test
  void csrNamingAnotherNode_isRefusedWith403() throws Exception {
    HttpResponse<byte[]> response =
        f.edgeCrt(
            Optional.empty(),
            Map.of("NodeName", "edge-1", "Authorization", "Bearer " + f.jwt()),
            csr("CN=system:node:edge-2, O=system:nodes"));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(new String(response.body(), UTF_8)).contains("edge-2").contains("own name");
  }

  @Test
  void csrNamingItsOwnNode_isAccepted() throws Exception {
    HttpResponse<byte[]> response =
        f.edgeCrt(
            Optional.empty(),
            Map.of("NodeName", "edge-1", "Authorization", "Bearer " + f.jwt()),
            csr("CN=system:node:edge-1, O=system:nodes"));

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void wrongOrMissingToken_isRefusedWith401() throws Exception {
    HttpResponse<byte[]> wrong =
        f.edgeCrt(
            Optional.empty(),
            Map.of("NodeName", "edge-1", "Authorization", "Bearer a.b.c"),
            csr("CN=x"));
    HttpResponse<byte[]> missing =
        f.edgeCrt(Optional.empty(), Map.of("NodeName", "edge-1"), csr("CN=x"));

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(new String(missing.body(), UTF_8)).contains("Authorization");
  }

  @Test
  void missingNodeName_isRefusedWith400() throws Exception {
    HttpResponse<byte[]> response =
        f.edgeCrt(Optional.empty(), Map.of("Authorization", "Bearer " + f.jwt()), csr("CN=x"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), UTF_8)).contains("NodeName");
  }

  @Test
  void malformedCsr_isRefusedWith400() throws Exception {
    byte[] garbage = new byte[300];
    new SecureRandom().nextBytes(garbage);

    HttpResponse<byte[]> response =
        f.edgeCrt(
            Optional.empty(),
            Map.of("NodeName", "edge-1", "Authorization", "Bearer " + f.jwt()),
            garbage);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), UTF_8)).startsWith("invalid CSR");
  }

  @Test
  void csrOverOneMebibyte_isRefusedWith413() throws Exception {
    HttpResponse<byte[]> response =
        f.edgeCrt(
            Optional.empty(),
            Map.of("NodeName", "edge-1", "Authorization", "Bearer " + f.jwt()),
            new byte[Csr.MAX_DER_BYTES + 1]);

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void brokenPercentEscapeInThePath_isAnswered404_notDroppedSilently() throws Exception {
    RawTlsClient.Reply reply =
        RawTlsClient.send(
            dev.edgetrust.tls.JdkTls.context(Optional.empty(), f.ca.trustAnchors()),
            "127.0.0.1",
            f.hub.bootstrapAddress().orElseThrow(),
            "GET /edge.crt%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            new byte[0]);

    assertThat(reply.status()).isEqualTo(404);
  }

  @Test
  void unknownUsage_isRefusedWith400() throws Exception {
    HttpResponse<byte[]> response =
        f.edgeCrt(
            Optional.empty(),
            Map.of(
                "NodeName",
                "edge-1",
                "Authorization",
                "Bearer " + f.jwt(),
                "ExtKeyUsages",
                "[\"code signing\"]"),
            csr("CN=x"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), UTF_8)).contains("code signing");
  }

  @Test
  void renewalWithOwnCertificate_needsNoToken() throws Exception {
    HeldCertificate first = f.enroll("edge-1");

    HttpResponse<byte[]> response =
        f.edgeCrt(Optional.of(first), Map.of("NodeName", "edge-1"), csr("CN=kubeedge.io"));

    assertThat(response.statusCode()).isEqualTo(200);
    X509Certificate renewed = Certificates.parseDer(response.body());
    assertThat(NodeName.fromCertificate(renewed)).isEqualTo(NodeName.of("edge-1"));
    assertThat(renewed.getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
  }

  @Test
  void renewalForAnotherNode_isRefusedWith403() throws Exception {
    HeldCertificate edge1 = f.enroll("edge-1");

    HttpResponse<byte[]> response =
        f.edgeCrt(Optional.of(edge1), Map.of("NodeName", "edge-2"), csr("CN=x"));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(new String(response.body(), UTF_8)).contains("edge-2").contains("edge-1");
  }

  @Test
  void unknownPath_is404() throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(f.tls(f.enroll("probe"))).build();

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(f.bootstrapUri("/etc/passwd")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(404);
  }
}
