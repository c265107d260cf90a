package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.cloudhub.config.AdminSettings;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.tls.PinnedServerTrust;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener's own identity: a self-signed certificate the CloudHub makes at first start,
 * serves on the admin port instead of the node-facing one, and keeps across restarts.
 */
class AdminServerIdentityTest {
  static final String TOKEN = "7f3c9a2e5b1d4c8f0a6e2b9d7c5a3f1e";

  @TempDir Path dir;
  HubFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private HubFixture start(String address) throws Exception {
    Path token = dir.resolve("admin/token");
    Files.createDirectories(token.getParent());
    Files.writeString(token, TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    return HubFixture.start(
        dir,
        s ->
            s.toBuilder()
                .admin(
                    AdminSettings.on(
                        address,
                        0,
                        Optional.ofNullable(token),
                        Optional.empty(),
                        AdminApiTest.adminServerCertificate(dir)))
                .build());
  }

  /** The certificate the admin port presents to a client that trusts anything. */
  private X509Certificate presented(HubFixture hub) throws Exception {
    X509Certificate pin =
        KeyCertificateFiles.readCertificates(hub.settings.admin().serverCertificateFile()).get(0);
    try (SSLSocket socket =
        (SSLSocket)
            JdkTls.context(Optional.empty(), PinnedServerTrust.of(pin, "127.0.0.1"))
                .getSocketFactory()
                .createSocket(
                    InetAddress.getLoopbackAddress(),
                    hub.hub.adminAddress().orElseThrow().getPort())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void adminPort_servesItsOwnSelfSignedCertificate_notTheNodeFacingOne() throws Exception {
    f = start("127.0.0.1");
    Path certificateFile = f.settings.admin().serverCertificateFile();
    Path keyFile = f.settings.admin().serverKeyFile();

    X509Certificate admin = presented(f);

    assertThat(admin).isEqualTo(KeyCertificateFiles.readCertificates(certificateFile).get(0));
    assertThat(admin).isNotEqualTo(f.hub.serverCertificate());
    assertThat(admin.getIssuerX500Principal()).isEqualTo(admin.getSubjectX500Principal());
    assertThat(admin.getIssuerX500Principal())
        .isNotEqualTo(f.ca.caCertificate().getSubjectX500Principal());
    assertThat(PinnedServerTrust.names(admin, "127.0.0.1")).isTrue();
    assertThat(Files.getPosixFilePermissions(keyFile))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(keyFile.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(keyFile).isEqualTo(certificateFile.resolveSibling("server.key"));
  }

  @Test
  void restart_keepsTheSameCertificate_soThePinHolds() throws Exception {
    f = start("127.0.0.1");
    X509Certificate first = presented(f);
    f.close();

    f = start("127.0.0.1");

    assertThat(presented(f)).isEqualTo(first);
  }

  @Test
  void wildcardAddress_isNamedAsLoopback_theAddressTheCliDials() throws Exception {
    f = start("0.0.0.0");

    assertThat(PinnedServerTrust.names(presented(f), "127.0.0.1")).isTrue();
  }

  @Test
  void aCertificateFileThatIsNotAPair_stopsTheStartNamingTheFileAndTheFix() throws Exception {
    Path certificateFile = AdminApiTest.adminServerCertificate(dir);
    Files.createDirectories(certificateFile.getParent());
    Files.writeString(certificateFile, "not a certificate");

    assertThatThrownBy(() -> start("127.0.0.1"))
        .isInstanceOf(CloudHubException.class)
        .hasMessageStartingWith("admin.serverCertFile ")
        .hasMessageContaining(certificateFile.toString())
        .hasMessageEndingWith(
            "; delete it and its key "
                + certificateFile.resolveSibling("server.key")
                + " to have a new one made");
  }

  @Test
  void adminCertificate_isNoCertificateAnEdgeWouldAccept() throws Exception {
    // It chains to nothing an edge trusts: the node CA never signed it.
    f = start("127.0.0.1");
    X509Certificate admin = presented(f);

    assertThatThrownBy(() -> admin.verify(f.ca.caCertificate().getPublicKey()))
        .isInstanceOf(Exception.class);
  }
}
