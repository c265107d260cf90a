package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.GatewaySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * deploy/systemd/ fits together: the unit runs the EdgeHub on the config beside it, that config
 * loads, enables the gateway on cloudcore's ports, and keeps the node's credentials apart from
 * edgecore's, and the unit may write where the gateway keeps its local CA.
 */
class EdgeGatewayUnitTest {
  private static final Path SYSTEMD = Path.of("../deploy/systemd");

  @Test
  void exampleConfig_loads_andServesTheLocalEdgecoreOnCloudcoresPorts() throws Exception {
    EdgeHubSettings settings = EdgeHubSettings.load(SYSTEMD.resolve("edgetrust-edgecore.yaml"));
    GatewaySettings gateway = settings.gateway().orElseThrow();

    assertThat(gateway.port()).isEqualTo(10000);
    assertThat(gateway.httpsPort()).isEqualTo(10002);
    assertThat(settings.certificateFile())
        .as("not edgecore's own file")
        .isNotEqualTo(Path.of("/etc/kubeedge/certs/server.crt"));
    assertThat(settings.caFile()).isNotEqualTo(Path.of("/etc/kubeedge/ca/rootCA.crt"));
    String unit = Files.readString(SYSTEMD.resolve("edgetrust-edgehub.service"));
    assertThat(unit)
        .contains("edgehub --config /etc/edgetrust/edgecore.yaml")
        .contains("ReadWritePaths=/etc/edgetrust " + gateway.directory())
        .contains("httpServer: https://127.0.0.1:" + gateway.httpsPort())
        .contains("server: 127.0.0.1:" + gateway.port());
  }
}
