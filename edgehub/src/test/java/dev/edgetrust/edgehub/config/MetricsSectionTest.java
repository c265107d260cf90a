package dev.edgetrust.edgehub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modules.edgeHub.metrics} of edgecore.yaml: off unless enabled, port 10009, checked. */
class MetricsSectionTest {
  @TempDir Path dir;

  private EdgeHubSettings load(String metrics) throws IOException, ConfigException {
    Path file = dir.resolve("edgecore.yaml");
    Files.writeString(
        file,
        "modules:\n  edged:\n    hostnameOverride: node-a\n  edgeHub:\n"
            + ("websocket:\n  server: 127.0.0.1:10000\n" + metrics).indent(4));
    return EdgeHubSettings.load(file);
  }

  @Test
  void kubeEdgeV115Edgecore_servesNoMetrics() throws Exception {
    Path file = dir.resolve("edgecore.yaml");
    try (InputStream in = getClass().getResourceAsStream("/edgecore-v1.15.yaml")) {
      Files.copy(in, file);
    }
    assertThat(EdgeHubSettings.load(file).metricsPort()).isEmpty();
  }

  @Test
  void enabledSection_servesOnPort10009_unlessToldOtherwise() throws Exception {
    assertThat(load("metrics:\n  enable: true\n").metricsPort()).isEqualTo(OptionalInt.of(10009));
    assertThat(load("metrics: {enable: true, port: 19100}\n").metricsPort())
        .isEqualTo(OptionalInt.of(19100));
    assertThat(load("metrics: {enable: false, port: 19100}\n").metricsPort()).isEmpty();
  }

  @Test
  void portOutOfRange_isRefusedInOneLineNamingTheKey() {
    assertThatThrownBy(() -> load("metrics: {enable: true, port: 70000}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("edgecore.yaml")
        .hasMessageContaining(
            "'modules.edgeHub.metrics.port' must be a port from 0 to 65535, was 70000")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void anAddressKey_isRefused_becauseTheEdgeServesMetricsOnLoopbackOnly() {
    assertThatThrownBy(() -> load("metrics: {enable: true, address: 0.0.0.0}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("modules.edgeHub.metrics.address");
  }
}
