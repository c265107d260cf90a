package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.cloudhub.config.AdminSettings;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.tls.PinnedServerTrust;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over real HTTPS on loopback: authentication first, then list/block/unblock. */
class AdminApiTest {
  static final String TOKEN = "7f3c9a2e5b1d4c8f0a6e2b9d7c5a3f1e";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  HubFixture f;
  Path tokenFile;
  Path adminCaFile;
  BuiltinCa adminCa;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private HubFixture startWithAdmin(Path clientCa) throws Exception {
    tokenFile = dir.resolve("admin/token");
    Files.createDirectories(tokenFile.getParent());
    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        tokenFile, (TOKEN + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    return HubFixture.start(
        dir,
        s ->
            s.toBuilder()
                .admin(
                    AdminSettings.on(
                        "127.0.0.1",
                        0,
                        Optional.ofNullable(tokenFile),
                        Optional.ofNullable(clientCa),
                        adminServerCertificate(dir)))
                .build());
  }

  /** Where the admin API's own certificate goes: the default beside the CA state. */
  static Path adminServerCertificate(Path dir) {
    return AdminSettings.defaultServerCertificateFile(dir.resolve("ca"));
  }

  /** The admin API's certificate, as the CloudHub wrote it for the CLI to pin. */
  private X509Certificate pinned() throws Exception {
    return KeyCertificateFiles.readCertificates(f.settings.admin().serverCertificateFile()).get(0);
  }

  /** What the CLI does: trust exactly the pinned certificate, for the address dialed. */
  private SSLContext adminTls(Optional<HeldCertificate> client) throws Exception {
    return JdkTls.context(client, PinnedServerTrust.of(pinned(), "127.0.0.1"));
  }

  private HubFixture startWithAdminCa() throws Exception {
    adminCaFile = dir.resolve("admin-ca/ca.crt");
    adminCa =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(adminCaFile, dir.resolve("admin-ca/ca.key")), Clock.systemUTC());
    return startWithAdmin(adminCaFile);
  }

  private static HeldCertificate clientCertificate(BuiltinCa ca, X500Principal subject)
      throws Exception {
    KeyPair keys = Keys.newP256();
    X509Certificate cert =
        ca.sign(
                new SigningRequest(
                    subject,
                    Csr.create(keys, new X500Principal("CN=x")),
                    Set.of(CertificateUsage.CLIENT_AUTH),
                    List.of(),
                    List.of(),
                    Duration.ofHours(1)))
            .certificate();
    return new HeldCertificate(keys.getPrivate(), List.of(cert, ca.caCertificate()));
  }

  private URI uri(String path) {
    return URI.create("https://127.0.0.1:" + f.hub.adminAddress().orElseThrow().getPort() + path);
  }

  private HttpResponse<String> request(
      SSLContext tls, String method, String path, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newBuilder()
        .sslContext(tls)
        .build()
        .send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> withToken(String method, String path) throws Exception {
    return request(adminTls(Optional.empty()), method, path, "Bearer " + TOKEN);
  }

  /** A client that presents {@code client} whatever CAs the server asks for. */
  private static SSLContext presenting(HeldCertificate client, List<X509Certificate> trust)
      throws Exception {
    X509ExtendedKeyManager always =
        new X509ExtendedKeyManager() {
          @Override
          public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
          }

          @Override
          public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
          }

          @Override
          public String chooseEngineClientAlias(
              String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
          }

          @Override
          public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
          }

          @Override
          public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
          }

          @Override
          public X509Certificate[] getCertificateChain(String alias) {
            return client.chain().toArray(X509Certificate[]::new);
          }

          @Override
          public PrivateKey getPrivateKey(String alias) {
            return client.privateKey();
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    var tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    var store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    store.load(null, null);
    for (int i = 0; i < trust.size(); i++) {
      store.setCertificateEntry("ca-" + i, trust.get(i));
    }
    tmf.init(store);
    context.init(new KeyManager[] {always}, tmf.getTrustManagers(), new SecureRandom());
    return context;
  }

  private void assertNothingChanged(HubFixture.Client session, HeldCertificate cert)
      throws Exception {
    assertThat(f.hub.session(NodeName.of("edge-1"))).isPresent();
    assertThat(session.closes).isEmpty();
    assertThat(f.ca.blockedNodes()).isEmpty();
    assertThat(f.ca.revocationList().isRevoked(cert.certificate().getSerialNumber())).isFalse();
    assertThat(f.audit()).noneMatch(l -> l.path("action").asText().equals("block"));
  }

  @Test
  void adminApi_isOffByDefault() throws Exception {
    f = HubFixture.start(dir);

    assertThat(f.hub.adminAddress()).isEmpty();
  }

  @Test
  void nodeListWithTheToken_showsEachNodeAsJson() throws Exception {
    f = startWithAdmin(null);
    HeldCertificate cert = f.enroll("edge-1");
    f.connected(cert, "edge-1");

    HttpResponse<String> response = withToken("GET", "/nodes");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode node = JSON.readTree(response.body()).path("nodes").get(0);
    assertThat(node.path("node").asText()).isEqualTo("edge-1");
    assertThat(node.path("connected").asBoolean()).isTrue();
    assertThat(node.path("since").asText()).isNotEmpty();
    assertThat(node.path("serial").asText()).isEqualTo(cert.serialHex());
    assertThat(node.path("expiry").asText()).isEqualTo(cert.notAfter().toString());
    assertThat(node.path("blocked").asBoolean()).isFalse();
  }

  @Test
  void blockWithTheToken_reportsEachStepInOrder_andUnblockSaysHowToReEnroll() throws Exception {
    f = startWithAdmin(null);
    HeldCertificate cert = f.enroll("edge-1");
    HubFixture.Client session = f.connected(cert, "edge-1");

    HttpResponse<String> blocked = withToken("POST", "/nodes/edge-1/block");

    assertThat(blocked.statusCode()).isEqualTo(200);
    JsonNode report = JSON.readTree(blocked.body());
    assertThat(report.path("outcome").asText()).isEqualTo("done");
    assertThat(report.path("steps").findValuesAsText("step")).containsExactly("a", "b", "c", "d");
    assertThat(report.path("steps").findValuesAsText("outcome")).containsOnly("done");
    assertThat(session.closes.poll(10, TimeUnit.SECONDS)).isEqualTo(1008);
    assertThat(f.tryConnect(cert, "edge-1")).isEqualTo("tls");

    HttpResponse<String> unblocked = withToken("POST", "/nodes/edge-1/unblock");

    assertThat(unblocked.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(unblocked.body()).path("nextStep").asText()).contains("join token");
    assertThat(f.ca.blockedNodes()).isEmpty();
    List<JsonNode> audit = f.audit();
    assertThat(audit)
        .filteredOn(l -> l.path("action").asText().matches("block|unblock"))
        .extracting(l -> l.path("who").asText())
        .hasSize(2)
        .allSatisfy(who -> assertThat(who).startsWith("token:sha256:").doesNotContain(TOKEN));
    assertThat(Files.readString(f.settings.revocation().auditFile())).doesNotContain(TOKEN);
  }

  @Test
  void requestsWithoutTheRightToken_get401_andChangeNothing() throws Exception {
    f = startWithAdmin(null);
    HeldCertificate cert = f.enroll("edge-1");
    HubFixture.Client session = f.connected(cert, "edge-1");
    SSLContext tls = adminTls(Optional.empty());

    List<HttpResponse<String>> refused =
        List.of(
            request(tls, "POST", "/nodes/edge-1/block", null),
            request(tls, "POST", "/nodes/edge-1/block", "Bearer " + TOKEN.substring(1) + "0"),
            request(tls, "POST", "/nodes/edge-1/block", "Bearer " + TOKEN + TOKEN),
            request(tls, "POST", "/nodes/edge-1/block", "Basic YWRtaW46YWRtaW4="),
            request(tls, "GET", "/nodes", "Bearer wrong"));

    assertThat(refused)
        .allSatisfy(
            r -> {
              assertThat(r.statusCode()).isEqualTo(401);
              assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
              assertThat(r.body()).doesNotContain("edge-1\"");
            });
    assertNothingChanged(session, cert);
    assertThat(f.audit())
        .filteredOn(l -> l.path("action").asText().equals("refuse-admin"))
        .hasSize(5);
  }

  @Test
  void adminCertificate_isAccepted_andNamedInTheAuditLog() throws Exception {
    f = startWithAdminCa();
    f.connected(f.enroll("edge-1"), "edge-1");
    HeldCertificate alice = clientCertificate(adminCa, new X500Principal("CN=alice, O=operators"));
    SSLContext tls = adminTls(Optional.of(alice));

    assertThat(request(tls, "GET", "/nodes", null).statusCode()).isEqualTo(200);
    assertThat(request(tls, "POST", "/nodes/edge-1/block", null).statusCode()).isEqualTo(200);

    assertThat(f.audit())
        .filteredOn(l -> l.path("action").asText().equals("block"))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l.path("who").asText()).startsWith("cert:CN=alice,O=operators serial "));
  }

  @Test
  void certificateOfAnotherCa_isRefusedAtTheAdminHandshake_andChangesNothing() throws Exception {
    f = startWithAdminCa();
    HeldCertificate cert = f.enroll("edge-1");
    HubFixture.Client session = f.connected(cert, "edge-1");
    // A valid node certificate, but not from the admin CA.
    SSLContext tls = presenting(cert, List.of(pinned()));

    assertThatThrownBy(() -> request(tls, "POST", "/nodes/edge-1/block", null))
        .isInstanceOf(IOException.class);
    assertNothingChanged(session, cert);
  }

  @Test
  void nodeCertificate_isNoAdminCertificate_evenWhenTheAdminCaIsTheNodeCa() throws Exception {
    // A mistake an operator can make: admin.clientCAFile pointing at the CA that signs nodes.
    f = startWithAdmin(dir.resolve("ca/rootCA.crt"));
    HeldCertificate cert = f.enroll("edge-1");
    HubFixture.Client session = f.connected(cert, "edge-1");

    HttpResponse<String> response =
        request(presenting(cert, List.of(pinned())), "POST", "/nodes/edge-1/block", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("a node certificate is not an admin certificate");
    assertNothingChanged(session, cert);
  }

  @Test
  void wrongMethodPathOrNodeName_areAnsweredPlainly() throws Exception {
    f = startWithAdmin(null);

    assertThat(withToken("GET", "/nodes/edge-1/block").statusCode()).isEqualTo(405);
    assertThat(withToken("POST", "/nodes").statusCode()).isEqualTo(405);
    assertThat(withToken("GET", "/etc/passwd").statusCode()).isEqualTo(404);
    HttpResponse<String> badName = withToken("POST", "/nodes/Not_A_Node/block");
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badName.body()).path("error").asText())
        .contains("not a valid node name");
    // A broken percent-escape (no HTTP client sends one, so a raw socket): answered, not dropped.
    RawTlsClient.Reply brokenEscape =
        RawTlsClient.send(
            adminTls(Optional.empty()),
            "127.0.0.1",
            f.hub.adminAddress().orElseThrow(),
            "POST /nodes/%zz/block HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + TOKEN
                + "\r\nContent-Length: 0\r\n\r\n",
            new byte[0]);
    assertThat(brokenEscape.status()).isEqualTo(400);
  }

  @Test
  void missingOrShortTokenFile_stopsTheStartNamingTheFile() throws Exception {
    Path missing = dir.resolve("nope/token");
    assertThatThrownBy(
            () ->
                HubFixture.start(
                    dir,
                    s ->
                        s.toBuilder()
                            .admin(
                                AdminSettings.on(
                                    "127.0.0.1",
                                    0,
                                    Optional.ofNullable(missing),
                                    Optional.empty(),
                                    adminServerCertificate(dir)))
                            .build()))
        .isInstanceOf(CloudHubException.class)
        .hasMessage("admin.tokenFile " + missing + ": does not exist");

    Path shortToken = dir.resolve("short-token");
    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        shortToken, ("abc\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThatThrownBy(
            () ->
                HubFixture.start(
                    dir,
                    s ->
                        s.toBuilder()
                            .admin(
                                AdminSettings.on(
                                    "127.0.0.1",
                                    0,
                                    Optional.ofNullable(shortToken),
                                    Optional.empty(),
                                    adminServerCertificate(dir)))
                            .build()))
        .isInstanceOf(CloudHubException.class)
        .hasMessageContaining(shortToken.toString())
        .hasMessageContaining("at least 16");
  }
}
