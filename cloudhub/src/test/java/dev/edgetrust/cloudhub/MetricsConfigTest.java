package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.MetricsSettings;
import dev.edgetrust.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modules.cloudHub.metrics} of cloudcore.yaml: off by default, loopback when on, checked
 * keys.
 */
class MetricsConfigTest {
  @TempDir Path dir;

  private CloudHubSettings load(String cloudHub) throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(file, "modules:\n  cloudHub:\n" + cloudHub.indent(4));
    return CloudHubConfig.load(file);
  }

  @Test
  void existingFileWithoutTheSection_keepsMetricsOff() throws Exception {
    assertThat(load("nodeLimit: 5\n").metrics().enabled()).isFalse();
  }

  @Test
  void sectionWithEnableFalse_isOffWhateverElseItSays() throws Exception {
    assertThat(
            load("metrics: {enable: false, address: 0.0.0.0, port: 12345}\n").metrics().enabled())
        .isFalse();
  }

  @Test
  void enabledSection_listensOnLoopbackPort10008_unlessToldOtherwise() throws Exception {
    MetricsSettings metrics = load("metrics: {enable: true}\n").metrics();
    assertThat(metrics.enabled()).isTrue();
    assertThat(metrics.address()).isEqualTo("127.0.0.1");
    assertThat(metrics.port()).isEqualTo(10008);

    MetricsSettings pod = load("metrics: {enable: true, address: 0.0.0.0, port: 9464}\n").metrics();
    assertThat(pod.address()).isEqualTo("0.0.0.0");
    assertThat(pod.port()).isEqualTo(9464);
  }

  @Test
  void portOutOfRange_isRefusedInOneLineNamingTheKey() {
    assertThatThrownBy(() -> load("metrics: {enable: true, port: 70000}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cloudcore.yaml")
        .hasMessageContaining(
            "'modules.cloudHub.metrics.port' must be a port from 0 to 65535, was 70000")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void addressThatIsNotAnIp_isRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("metrics: {enable: true, address: metrics.example}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "'modules.cloudHub.metrics.address' 'metrics.example' is not an IP address")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void misspelledKey_isRefusedNamingIt() {
    assertThatThrownBy(() -> load("metrics: {enable: true, prot: 1}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("modules.cloudHub.metrics.prot");
  }
}
