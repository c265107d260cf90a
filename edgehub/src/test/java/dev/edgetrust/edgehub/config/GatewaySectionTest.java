package dev.edgetrust.edgehub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modules.edgeHub.gateway} of edgecore.yaml: off unless enabled, cloudcore's ports, checked.
 */
class GatewaySectionTest {
  @TempDir Path dir;

  private EdgeHubSettings load(String gateway) throws IOException, ConfigException {
    Path file = dir.resolve("edgecore.yaml");
    Files.writeString(
        file,
        "modules:\n  edged:\n    hostnameOverride: node-a\n  edgeHub:\n"
            + ("websocket:\n  server: 192.0.2.10:10000\n" + gateway).indent(4));
    return EdgeHubSettings.load(file);
  }

  @Test
  void kubeEdgeV115Edgecore_hasNoGateway() throws Exception {
    Path file = dir.resolve("edgecore.yaml");
    try (InputStream in = getClass().getResourceAsStream("/edgecore-v1.15.yaml")) {
      Files.copy(in, file);
    }
    assertThat(EdgeHubSettings.load(file).gateway()).isEmpty();
  }

  @Test
  void enabledSection_servesOnCloudcoresPorts_withTheLocalCaBesideTheConfig_unlessToldOtherwise()
      throws Exception {
    GatewaySettings defaults = load("gateway:\n  enable: true\n").gateway().orElseThrow();
    assertThat(defaults.port()).isEqualTo(10000);
    assertThat(defaults.httpsPort()).isEqualTo(10002);
    assertThat(defaults.directory()).isEqualTo(Path.of("/etc/kubeedge/edgetrust-gateway"));
    assertThat(defaults.maxBufferedBytes()).isEqualTo(4 << 20);
    assertThat(defaults.keepaliveInterval()).isEqualTo(Duration.ofSeconds(30));

    GatewaySettings set =
        load("gateway: {enable: true, port: 20000, httpsPort: 20002, directory: gw,"
                + " maxBufferedBytes: 65536, keepaliveInterval: 45}\n")
            .gateway()
            .orElseThrow();
    assertThat(set.port()).isEqualTo(20000);
    assertThat(set.httpsPort()).isEqualTo(20002);
    assertThat(set.directory()).isEqualTo(dir.resolve("gw"));
    assertThat(set.tokenFile()).isEqualTo(dir.resolve("gw/token"));
    assertThat(set.maxBufferedBytes()).isEqualTo(65536);
    assertThat(set.keepaliveInterval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(load("gateway: {enable: false, port: 20000}\n").gateway()).isEmpty();
  }

  @Test
  void anUnknownKey_isRefusedInOneLineNamingFileAndKey() {
    assertThatThrownBy(() -> load("gateway: {enable: true, address: 0.0.0.0}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("edgecore.yaml")
        .hasMessageContaining("modules.edgeHub.gateway.address")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void wrongValues_areRefusedInOneLineNamingTheKey() {
    assertThatThrownBy(() -> load("gateway: {enable: true, port: 70000}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("modules.edgeHub.gateway.port")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> load("gateway: {enable: true, port: 20000, httpsPort: 20000}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("edgecore.yaml")
        .hasMessageContaining("'modules.edgeHub.gateway.port' and 'httpsPort' are both 20000");
    assertThatThrownBy(() -> load("gateway: {enable: true, maxBufferedBytes: 0}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("maxBufferedBytes");
  }
}
