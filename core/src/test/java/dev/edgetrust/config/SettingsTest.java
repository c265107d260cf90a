package dev.edgetrust.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void positive_defaultsAndRefusesZeroOrLess() {
    assertThat(Settings.positive("heartbeat", null, 15)).isEqualTo(15);
    assertThat(Settings.positive("heartbeat", 1, 15)).isEqualTo(1);
    assertThatThrownBy(() -> Settings.positive("heartbeat", 0, 15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'heartbeat' must be greater than 0, was 0");
    assertThatThrownBy(() -> Settings.positive("heartbeat", null, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void port_acceptsZeroTo65535() {
    assertThat(Settings.port("port", null, 10000)).isEqualTo(10000);
    assertThat(Settings.port("port", 0, 10000)).isZero();
    assertThat(Settings.port("port", 65535, 10000)).isEqualTo(65535);
    assertThatThrownBy(() -> Settings.port("port", 65536, 10000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'port' must be a port from 0 to 65535, was 65536");
    assertThatThrownBy(() -> Settings.port("port", -1, 10000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void orDefault_replacesNullAndBlank() {
    assertThat(Settings.orDefault(null, "d")).isEqualTo("d");
    assertThat(Settings.orDefault("  ", "d")).isEqualTo("d");
    assertThat(Settings.orDefault("v", "d")).isEqualTo("v");
  }

  @Test
  void resolve_keepsAbsolutePathsAndResolvesRelativeOnes() {
    Path base = Path.of("/etc/kubeedge/config");
    assertThat(Settings.resolve(base, "/var/lib/ca.crt")).isEqualTo(Path.of("/var/lib/ca.crt"));
    assertThat(Settings.resolve(base, "../certs/ca.crt"))
        .isEqualTo(Path.of("/etc/kubeedge/certs/ca.crt"));
  }

  @Test
  void positiveDuration_refusesZeroOrLessInSeconds() {
    assertThat(Settings.positive("heartbeat", java.time.Duration.ofMillis(1)))
        .isEqualTo(java.time.Duration.ofMillis(1));
    assertThatThrownBy(() -> Settings.positive("heartbeat", java.time.Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'heartbeat' must be greater than 0, was -5");
  }

  @Test
  void within_namesTheKeyFromTheEnclosingSection() {
    assertThat(Settings.within("websocket", new IllegalArgumentException("'port' is 0")))
        .hasMessage("'websocket.port' is 0");
    assertThat(Settings.within("websocket", new IllegalArgumentException("no server")))
        .hasMessage("'websocket': no server");
  }
}
