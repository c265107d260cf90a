package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cfssl.testkit.CfsslServer;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CloudHub on CFSSL: nodes enroll at the CloudHub's {@code /edge.crt} with join tokens the
 * CloudHub mints and checks itself, renew there with their current certificate, and every
 * certificate is signed by a real {@code cfssl serve} on loopback (the node never talks to CFSSL).
 */
class CloudOnCfsslTest {
  @TempDir Path dir;
  CfsslServer cfssl;
  Path config;
  CloudPki pki;
  CloudHub hub;

  @BeforeEach
  void setUp() throws Exception {
    cfssl = CfsslServer.start(dir.resolve("cfssl"));
    config = writeConfig("shared");
  }

  private Path writeConfig(String joinTokens) throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "modules:",
            "  cloudHub:",
            "    advertiseAddress: [127.0.0.1]",
            "    tlsCAFile: state/ca/rootCA.crt",
            "    tlsCAKeyFile: state/ca/rootCA.key",
            "    tlsCertFile: state/certs/server.crt",
            "    tlsPrivateKeyFile: state/certs/server.key",
            "    joinTokens: " + joinTokens,
            "    websocket: {enable: true, address: 127.0.0.1, port: 0}",
            "    https: {enable: true, address: 127.0.0.1, port: 0}",
            "    pki:",
            "      provider: cfssl",
            "      cfssl:",
            "        address: " + cfssl.address(),
            "        authKeyFile: " + cfssl.authKeyFile(),
            ""));
    return file;
  }

  private void startHub() throws Exception {
    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);
    pki = loaded.pki().cloud(loaded.pkiContext(Clock.systemUTC()));
    hub =
        CloudHub.start(loaded.hub(), pki.provider(), new CloudHubListener() {}, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.close();
    }
    if (pki != null) {
      pki.close();
    }
    if (cfssl != null) {
      cfssl.close();
    }
  }

  private JoinTokenMinting tokens() {
    return pki.joinTokens().orElseThrow();
  }

  private static String jwt(MintedJoinToken token) {
    return token.value().substring(token.value().indexOf('.') + 1);
  }

  private HttpResponse<byte[]> edgeCrt(
      Optional<HeldCertificate> client, Map<String, String> headers, byte[] csr) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(JdkTls.context(client, List.of(cfssl.caCertificate())))
            .build();
    URI uri =
        URI.create(
            "https://127.0.0.1:" + hub.bootstrapAddress().orElseThrow().getPort() + "/edge.crt");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).method("GET", HttpRequest.BodyPublishers.ofByteArray(csr));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> withToken(String node, String jwt, KeyPair keys) throws Exception {
    return edgeCrt(
        Optional.empty(),
        Map.of("NodeName", node, "Authorization", "Bearer " + jwt),
        Csr.create(keys, new X500Principal("CN=kubeedge.io, O=kubeEdge")).der());
  }

  private HeldCertificate enrolled(String node, String jwt) throws Exception {
    KeyPair keys = Keys.newP256();
    HttpResponse<byte[]> answer = withToken(node, jwt, keys);
    assertThat(answer.statusCode())
        .as(new String(answer.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    return new HeldCertificate(
        keys.getPrivate(), List.of(Certificates.parseDer(answer.body()), cfssl.caCertificate()));
  }

  private static void assertSignedByCfssl(X509Certificate certificate, X509Certificate ca)
      throws Exception {
    certificate.verify(ca.getPublicKey());
  }

  @Test
  void sharedToken_enrollsANode_withACertificateCfsslSigned_forItsNameOnly() throws Exception {
    startHub();

    HeldCertificate edge = enrolled("edge-1", jwt(tokens().mint(Duration.ofHours(1))));

    assertThat(NodeName.fromCertificate(edge.certificate())).isEqualTo(NodeName.of("edge-1"));
    assertThat(edge.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertSignedByCfssl(edge.certificate(), cfssl.caCertificate());
    assertSignedByCfssl(hub.serverCertificate(), cfssl.caCertificate());
  }

  @Test
  void caCrt_isCfsslsCa_andTheTokenCarriesItsHash() throws Exception {
    startHub();
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(JdkTls.context(Optional.empty(), List.of(cfssl.caCertificate())))
            .build();
    URI uri =
        URI.create(
            "https://127.0.0.1:" + hub.bootstrapAddress().orElseThrow().getPort() + "/ca.crt");

    HttpResponse<byte[]> ca =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(ca.statusCode()).isEqualTo(200);
    assertThat(Certificates.parseDer(ca.body())).isEqualTo(cfssl.caCertificate());
    assertThat(tokens().mint(Duration.ofHours(1)).value())
        .startsWith(Certificates.sha256Hex(cfssl.caCertificate()) + ".");
  }

  @Test
  void renewal_withTheCurrentCertificate_getsANewOneFromCfssl() throws Exception {
    startHub();
    HeldCertificate first = enrolled("edge-1", jwt(tokens().mint(Duration.ofHours(1))));

    KeyPair next = Keys.newP256();
    HttpResponse<byte[]> renewed =
        edgeCrt(
            Optional.of(first),
            Map.of("NodeName", "edge-1"),
            Csr.create(next, new X500Principal("CN=kubeedge.io")).der());

    assertThat(renewed.statusCode())
        .as(new String(renewed.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    X509Certificate second = Certificates.parseDer(renewed.body());
    assertThat(second.getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
    assertThat(second.getPublicKey()).isEqualTo(next.getPublic());
    assertThat(NodeName.fromCertificate(second)).isEqualTo(NodeName.of("edge-1"));
    assertSignedByCfssl(second, cfssl.caCertificate());
  }

  @Test
  void renewal_forAnotherNodesName_isRefused() throws Exception {
    startHub();
    HeldCertificate edge1 = enrolled("edge-1", jwt(tokens().mint(Duration.ofHours(1))));

    HttpResponse<byte[]> other =
        edgeCrt(
            Optional.of(edge1),
            Map.of("NodeName", "edge-2"),
            Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io")).der());

    assertThat(other.statusCode()).isEqualTo(403);
  }

  @Test
  void nodeBoundToken_enrollsItsNodeOnce_andNoOtherName() throws Exception {
    config = writeConfig("nodeBound");
    startHub();
    String jwt = jwt(tokens().mintFor(NodeName.of("edge-1"), Duration.ofHours(1)));

    HttpResponse<byte[]> otherName = withToken("edge-2", jwt, Keys.newP256());
    enrolled("edge-1", jwt);
    HttpResponse<byte[]> again = withToken("edge-1", jwt, Keys.newP256());

    assertThat(otherName.statusCode()).isEqualTo(403);
    assertThat(new String(otherName.body(), StandardCharsets.UTF_8).strip())
        .isEqualTo("join token is bound to node 'edge-1'; it cannot enroll node 'edge-2'");
    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(new String(again.body(), StandardCharsets.UTF_8))
        .startsWith("join token already used for node edge-1 at ");
  }

  @Test
  void nodeBoundMode_refusesASharedToken() throws Exception {
    config = writeConfig("nodeBound");
    startHub();

    HttpResponse<byte[]> shared =
        withToken("edge-1", jwt(tokens().mint(Duration.ofHours(1))), Keys.newP256());

    assertThat(shared.statusCode()).isEqualTo(403);
  }

  /**
   * The answer's status, or 0 when the CloudHub refused the TLS handshake itself: an SSLException,
   * or with TLS 1.3 (whose client side of the handshake completes before the server checks the
   * certificate) the connection closed under the request.
   */
  private int status(Optional<HeldCertificate> client, Map<String, String> headers)
      throws Exception {
    try {
      return edgeCrt(
              client,
              headers,
              Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io")).der())
          .statusCode();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void block_isHeldByTheCloudHub_refusingRenewalAndTokens_untilUnblocked() throws Exception {
    startHub();
    String shared = jwt(tokens().mint(Duration.ofHours(1)));
    NodeName node = NodeName.of("edge-1");
    HeldCertificate lost = enrolled("edge-1", shared);

    BlockReport blocked = hub.nodeAccess().block(node, "test operator");
    int renewal = status(Optional.of(lost), Map.of("NodeName", "edge-1"));
    int token =
        status(Optional.empty(), Map.of("NodeName", "edge-1", "Authorization", "Bearer " + shared));
    BlockReport unblocked = hub.nodeAccess().unblock(node, "test operator");
    HeldCertificate back = enrolled("edge-1", shared);

    assertThat(blocked.succeeded()).as(blocked.toString()).isTrue();
    assertThat(renewal).isIn(0, 403);
    assertThat(token).isEqualTo(403);
    assertThat(unblocked.succeeded()).as(unblocked.toString()).isTrue();
    assertThat(back.certificate().getSerialNumber())
        .isNotEqualTo(lost.certificate().getSerialNumber());
    assertSignedByCfssl(back.certificate(), cfssl.caCertificate());
  }

  @Test
  void tokenMintedByAnotherCloudHub_isRefused() throws Exception {
    startHub();
    Path otherDir = Files.createDirectories(dir.resolve("other"));
    Files.writeString(otherDir.resolve("cloudcore.yaml"), Files.readString(config));
    CloudHubConfig.Loaded other = CloudHubConfig.loadAll(otherDir.resolve("cloudcore.yaml"));
    String foreign;
    try (CloudPki otherPki = other.pki().cloud(other.pkiContext(Clock.systemUTC()))) {
      foreign = jwt(otherPki.joinTokens().orElseThrow().mint(Duration.ofHours(1)));
    }

    HttpResponse<byte[]> answer = withToken("edge-1", foreign, Keys.newP256());

    assertThat(answer.statusCode()).isEqualTo(401);
  }

  @Test
  void tokenCommand_mintsTokensTheRunningCloudHubAccepts() throws Exception {
    startHub();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exit = Main.run("token", "--config", config.toString(), "--node", "edge-7");
    } finally {
      System.setOut(stdout);
    }
    String token = out.toString(StandardCharsets.UTF_8).strip();

    assertThat(exit).isEqualTo(0);
    assertThat(token).startsWith(Certificates.sha256Hex(cfssl.caCertificate()) + ".");
    HeldCertificate edge = enrolled("edge-7", token.substring(token.indexOf('.') + 1));
    assertThat(NodeName.fromCertificate(edge.certificate())).isEqualTo(NodeName.of("edge-7"));
  }

  @Test
  void joinTokenFile_isKeptBesideTheCloudHub_ownerOnly_andEnrolls() throws Exception {
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "    joinTokens: shared\n",
                "    joinTokens: shared\n    joinTokenFile: state/join-token\n"));
    startHub();
    pki.startBesideCloudHub();
    Path file = dir.resolve("state/join-token");

    String token = Files.readString(file).strip();

    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    enrolled("edge-3", token.substring(token.indexOf('.') + 1));
  }
}
