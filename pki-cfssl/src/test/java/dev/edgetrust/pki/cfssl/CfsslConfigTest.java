package dev.edgetrust.pki.cfssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.YamlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modules.cloudHub.pki.cfssl}, bound from a cloudcore.yaml: defaults and one-line errors.
 */
class CfsslConfigTest {
  @TempDir Path dir;

  private CfsslConfig bind(String cfsslSection) throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(
        file,
        "modules:\n  cloudHub:\n    pki:\n      provider: cfssl\n      cfssl:\n" + cfsslSection);
    return YamlConfig.read(file).section("modules.cloudHub.pki.cfssl", CfsslConfig.class);
  }

  @Test
  void minimalSection_takesTheDefaultProfiles() throws Exception {
    CfsslConfig config =
        bind("        address: http://127.0.0.1:8888\n        authKeyFile: cfssl.key\n");

    assertThat(config.profile()).isEqualTo("node");
    assertThat(config.serverProfile()).isEqualTo("server");
    assertThat(config.label()).isEmpty();
    assertThat(config.authKeyPath(dir)).contains(dir.resolve("cfssl.key"));
    assertThat(config.serverCaPath(dir)).isEmpty();
    assertThat(config.serverCertificateLifetime()).isEqualTo(java.time.Duration.ofHours(72));
  }

  @Test
  void malformedServerCertificateTtl_namesTheKey() {
    assertThatThrownBy(
            () -> bind("        address: http://cfssl:8888\n        serverCertificateTtl: soon\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'modules.cloudHub.pki.cfssl.serverCertificateTtl'");
  }

  @Test
  void missingAddress_namesTheFullKey() {
    assertThatThrownBy(() -> bind("        profile: node\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'modules.cloudHub.pki.cfssl.address' is required")
        .hasMessageNotContaining("\n");
  }

  @Test
  void addressNotHttp_namesTheKeyAndTheValue() {
    assertThatThrownBy(() -> bind("        address: ftp://cfssl:8888\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "'modules.cloudHub.pki.cfssl.address' must be an http(s):// URL, was 'ftp://cfssl:8888'");
  }

  @Test
  void addressWithAPath_isRefused() {
    assertThatThrownBy(() -> bind("        address: http://cfssl:8888/api/v1/cfssl/authsign\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'modules.cloudHub.pki.cfssl.address' is the server's root URL");
  }

  @Test
  void serverCaWithPlainHttp_isRefused() {
    assertThatThrownBy(() -> bind("        address: http://cfssl:8888\n        serverCA: ca.pem\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "'modules.cloudHub.pki.cfssl.serverCA' is set but 'address' is http://");
  }

  @Test
  void unknownKey_listsTheKnownOnes() {
    assertThatThrownBy(() -> bind("        address: http://cfssl:8888\n        authKey: 0011\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'modules.cloudHub.pki.cfssl.authKey'")
        .hasMessageContaining("authKeyFile");
  }
}
