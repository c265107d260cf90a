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
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** CFSSL over HTTPS: its certificate is checked against serverCA, and only against it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CfsslTlsTest {
  private CfsslServer server;

  @BeforeAll
  void startCfssl() throws Exception {
    server = CfsslServer.startTls(Files.createTempDirectory("cfssl-tls"));
  }

  @AfterAll
  void stopCfssl() {
    if (server != null) {
      server.close();
    }
  }

  private static SigningRequest nodeRequest() {
    return SigningRequest.forNode(
        NodeName.of("edge-tls"),
        Csr.create(Keys.newP256(), new X500Principal("CN=x")),
        CfsslServer.NODE_EXPIRY);
  }

  @Test
  void httpsWithServerCa_signs() throws Exception {
    assertThat(server.address().getScheme()).isEqualTo("https");

    var issued = CfsslServers.provider(server, "node").sign(nodeRequest());

    assertThat(NodeName.fromCertificate(issued.certificate())).isEqualTo(NodeName.of("edge-tls"));
  }

  @Test
  void httpsTrustingOnlyTheSigningCa_isRefusedAtTheHandshake() throws Exception {
    // The signing CA did not issue CFSSL's HTTPS certificate: trusting it proves nothing.
    CfsslPkiProvider provider =
        CfsslPkiProvider.create(
            CfsslClient.connect(
                server.address(), List.of(server.caCertificate()), Duration.ofSeconds(5)),
            Optional.of(AuthKey.read(server.authKeyFile())),
            "",
            "node",
            "server");

    PkiException e = catchThrowableOfType(PkiException.class, () -> provider.sign(nodeRequest()));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("cannot be reached").containsIgnoringCase("ssl");
  }
}
