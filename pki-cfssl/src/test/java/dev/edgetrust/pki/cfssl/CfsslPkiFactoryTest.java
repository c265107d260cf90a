package dev.edgetrust.pki.cfssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.cfssl.testkit.CfsslServer;
import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.CloudPkiContext;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiProviders;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pki.provider: cfssl} found by name, built from a cloudcore.yaml, signing on a real server.
 */
class CfsslPkiFactoryTest {
  @TempDir Path dir;

  private CloudPki cloud(String cfsslSection) throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(
        file,
        "modules:\n  cloudHub:\n    pki:\n      provider: cfssl\n      cfssl:\n" + cfsslSection);
    CloudPkiContext context =
        CloudPkiContext.builder(YamlConfig.read(file), "cfssl")
            .caFiles(dir.resolve("ca/rootCA.crt"), dir.resolve("ca/rootCA.key"))
            .serverFiles(dir.resolve("certs/server.crt"), dir.resolve("certs/server.key"))
            .build();
    return PkiProviders.installed().cloudProvider(YamlConfig.read(file)).cloud(context);
  }

  @Test
  void cfsslSection_makesAProviderThatSignsThroughTheServer() throws Exception {
    try (CfsslServer server = CfsslServer.start(dir.resolve("cfssl"));
        CloudPki cloud =
            cloud(
                "        address: "
                    + server.address()
                    + "\n        authKeyFile: "
                    + server.authKeyFile()
                    + "\n        serverCertificateTtl: 24h\n")) {
      NodeName node = NodeName.of("edge-1");
      var issued =
          cloud
              .provider()
              .sign(
                  SigningRequest.forNode(
                      node,
                      Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io")),
                      CfsslServer.NODE_EXPIRY));

      assertThat(cloud.provider().name()).isEqualTo("cfssl");
      assertThat(NodeName.fromCertificate(issued.certificate())).isEqualTo(node);
      assertThat(cloud.serverCertificateLifetime()).contains(Duration.ofHours(24));
      assertThat(cloud.joinTokens()).isPresent();
      assertThat(cloud.provider().bootstrap()).isPresent();
    }
  }

  @Test
  void missingAddress_isOneLineNamingTheKey() {
    assertThatThrownBy(() -> cloud("        profile: node\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'modules.cloudHub.pki.cfssl.address' is required")
        .hasMessageNotContaining("\n");
  }

  @Test
  void missingAuthKey_isOneLineSayingWhatToWriteThere() {
    assertThatThrownBy(
            () -> cloud("        address: http://127.0.0.1:1\n        authKeyFile: absent.key\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(dir.resolve("absent.key") + " is missing: write there, mode 0600")
        .hasMessageNotContaining("\n");
  }

  @Test
  void authKeyReadableByOthers_stopsTheStart_namingTheFile() throws Exception {
    Path key = dir.resolve("cfssl.key");
    Files.writeString(key, "00112233445566778899aabbccddeeff");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(
            () -> cloud("        address: http://127.0.0.1:1\n        authKeyFile: cfssl.key\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key.toString())
        .hasMessageContaining("chmod 600");
  }
}
