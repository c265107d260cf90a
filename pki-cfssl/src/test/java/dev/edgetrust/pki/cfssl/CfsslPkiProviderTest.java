package dev.edgetrust.pki.cfssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.edgetrust.cfssl.testkit.CfsslServer;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.cfssl.api.AuthKey;
import dev.edgetrust.pki.cfssl.api.CfsslClient;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What CFSSL's profiles can get wrong and the provider refuses, and how it talks to the server;
 * against a real {@code cfssl serve}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CfsslPkiProviderTest {
  private CfsslServer server;

  @BeforeAll
  void startCfssl() throws Exception {
    server = CfsslServer.start(Files.createTempDirectory("cfssl-provider"));
  }

  @AfterAll
  void stopCfssl() {
    if (server != null) {
      server.close();
    }
  }

  private static SigningRequest nodeRequest(String node, String csrSubject) {
    Csr csr = Csr.create(Keys.newP256(), new X500Principal(csrSubject));
    return SigningRequest.forNode(NodeName.of(node), csr, CfsslServer.NODE_EXPIRY);
  }

  private PkiException refusal(CfsslPkiProvider provider, SigningRequest request) {
    PkiException e = catchThrowableOfType(PkiException.class, () -> provider.sign(request));
    assertThat(e).as("signed although it should not have").isNotNull();
    return e;
  }

  @Test
  void trustAnchors_isTheCaCfsslSignsWith() throws Exception {
    assertThat(CfsslServers.provider(server, "node").trustAnchors())
        .containsExactly(server.caCertificate());
  }

  @Test
  void profileCopyingCsrNames_isRefused_namingTheCsrWhitelist() {
    PkiException e =
        refusal(
            CfsslServers.provider(server, "node-copies-csr"),
            nodeRequest("n1", "CN=kubeedge.io, OU=evil"));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage())
        .contains("node-copies-csr")
        .contains("OU=evil")
        .contains("CSRWhitelist");
  }

  @Test
  void profileLivingLongerThanAsked_isRefused() {
    PkiException e = refusal(CfsslServers.provider(server, "node-long"), nodeRequest("n2", "CN=x"));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("longer than").contains("expiry of profile 'node-long'");
  }

  @Test
  void profileGrantingServerAuth_isRefused_andNamesTheUsages() {
    PkiException e =
        refusal(CfsslServers.provider(server, "node-server-auth"), nodeRequest("n3", "CN=x"));

    assertThat(e.getMessage())
        .contains("server auth")
        .contains("usages of profile 'node-server-auth'");
  }

  @Test
  void wrongAuthKey_isRefusedByCfssl_notRetried() throws Exception {
    CfsslPkiProvider provider =
        CfsslPkiProvider.create(
            CfsslClient.connect(server.address(), List.of(), Duration.ofSeconds(5)),
            Optional.of(AuthKey.of("00112233445566778899aabbccddeeff", "test")),
            "",
            "node",
            "server");

    PkiException e = refusal(provider, nodeRequest("n4", "CN=x"));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("authsign").contains("invalid token");
  }

  @Test
  void noAuthKey_signsThroughTheOpenProfile_andIsRefusedByAnAuthenticatedOne() throws Exception {
    CfsslClient client = CfsslClient.connect(server.address(), List.of(), Duration.ofSeconds(5));
    CfsslPkiProvider open =
        CfsslPkiProvider.create(client, Optional.empty(), "", "node-open", "server");
    CfsslPkiProvider closed =
        CfsslPkiProvider.create(client, Optional.empty(), "", "node", "server");

    assertThat(NodeName.fromCertificate(open.sign(nodeRequest("n5", "CN=x")).certificate()))
        .isEqualTo(NodeName.of("n5"));
    assertThat(refusal(closed, nodeRequest("n6", "CN=x")).getMessage())
        .contains("authentication required");
  }

  @Test
  void serverNotListening_isUnavailable_soCallersRetry() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CfsslPkiProvider provider =
        CfsslPkiProvider.create(
            CfsslClient.connect(
                URI.create("http://127.0.0.1:" + port), List.of(), Duration.ofSeconds(5)),
            Optional.of(AuthKey.read(server.authKeyFile())),
            "",
            "node",
            "server");

    PkiException e = refusal(provider, nodeRequest("n7", "CN=x"));

    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).contains("cannot be reached");
  }

  @Test
  void authKeyReadableByOthers_isRefusedAtStart_withTheChmod() throws Exception {
    Path dir = Files.createTempDirectory("cfssl-key");
    Path key = dir.resolve("auth.key");
    Files.writeString(key, "00112233445566778899aabbccddeeff");
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    CfsslConfig config =
        new CfsslConfig(server.address().toString(), null, null, null, key.toString(), null, null);

    var e =
        catchThrowableOfType(
            dev.edgetrust.credential.CredentialFileException.class,
            () -> CfsslPkiProvider.fromConfig(config, dir));

    assertThat(e.getMessage()).contains(key.toString()).contains("chmod 600");
  }

  @Test
  void authKeyNotHex_isRefusedWithoutRepeatingIt() throws Exception {
    Path dir = Files.createTempDirectory("cfssl-key");
    Path key = dir.resolve("auth.key");
    dev.edgetrust.credential.AtomicFile.writeSecret(
        key, "not-hex-secret-value".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    var e =
        catchThrowableOfType(
            dev.edgetrust.credential.CredentialFileException.class, () -> AuthKey.read(key));

    assertThat(e.getMessage())
        .contains(key.toString())
        .contains("hex")
        .doesNotContain("not-hex-secret-value");
  }

  @Test
  void nodeRequest_isSignedWithTheNodeProfile_serverRequestWithTheServerProfile() throws Exception {
    CfsslPkiProvider provider = CfsslServers.provider(server, "node");
    var node = provider.sign(nodeRequest("n8", "CN=x")).certificate();
    var cloudhub =
        provider
            .sign(
                SigningRequest.forServer(
                    "cloudhub",
                    Csr.create(Keys.newP256(), new X500Principal("CN=x")),
                    List.of("cloudhub.example.test"),
                    List.of(),
                    Duration.ofHours(24)))
            .certificate();

    assertThat(node.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cloudhub.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(provider.toString())
        .contains("authsign")
        .doesNotContain(Files.readString(server.authKeyFile()));
  }
}
