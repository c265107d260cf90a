package dev.edgetrust.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed values a configuration record binds directly, and their one-line refusals. */
class ConfigDeserializersTest {
  @TempDir Path dir;

  record Section(
      Duration timeout,
      Path file,
      Optional<Path> maybe,
      List<InetAddress> addresses,
      @JsonDeserialize(using = IpAddress.LiteralDeserializer.class) String listen,
      @JsonDeserialize(using = PortDeserializer.class) Integer port,
      @JsonDeserialize(using = WholeUnits.Seconds.class) Duration interval,
      @JsonDeserialize(using = WholeUnits.Days.class) Duration lifetime) {}

  private Section load(String yaml) throws ConfigException, java.io.IOException {
    Path file = Files.writeString(dir.resolve("c.yaml"), "s:\n" + yaml.indent(2));
    return YamlConfig.read(file).section("s", Section.class);
  }

  @Test
  void values_areTyped_andPathsRelativeToTheFile() throws Exception {
    Section s =
        load(
            """
            timeout: 1h30m
            file: certs/a.crt
            maybe: /etc/b.key
            addresses: [10.0.0.1, "fd00::1"]
            listen: 0.0.0.0
            port: 0
            interval: 30
            lifetime: 365
            """);
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(90));
    assertThat(s.file()).isEqualTo(dir.resolve("certs/a.crt"));
    assertThat(s.maybe()).hasValue(Path.of("/etc/b.key"));
    assertThat(s.addresses())
        .containsExactly(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("fd00::1"));
    assertThat(s.listen()).isEqualTo("0.0.0.0");
    assertThat(s.port()).isZero();
    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.lifetime()).isEqualTo(Duration.ofDays(365));
  }

  @Test
  void absentAndBlankValues_areNull_soTheRecordsDefaultApplies() throws Exception {
    Section s = load("file: ''\nmaybe: ' '\n");
    assertThat(s.file()).isNull();
    assertThat(s.maybe()).isEmpty();
    assertThat(s.timeout()).isNull();
    assertThat(s.port()).isNull();
  }

  @Test
  void badValues_areRefusedInOneLineNamingTheFullKey() {
    assertThatThrownBy(() -> load("timeout: soon\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            ": 's.timeout' must be a duration such as 24h, 30m or 90s, not 'soon'");
    assertThatThrownBy(() -> load("port: 70000\n"))
        .hasMessageEndingWith(": 's.port' must be a port from 0 to 65535, was 70000");
    assertThatThrownBy(() -> load("port: abc\n"))
        .hasMessageEndingWith(": 's.port' must be a whole number, not 'abc'");
    assertThatThrownBy(() -> load("listen: localhost\n"))
        .hasMessageEndingWith(": 's.listen' 'localhost' is not an IP address");
    assertThatThrownBy(() -> load("addresses: [10.0.0.1, cloud.example]\n"))
        .hasMessageEndingWith(": 's.addresses[1]' 'cloud.example' is not an IP address");
    assertThatThrownBy(() -> load("interval: 0\n"))
        .hasMessageEndingWith(": 's.interval' must be greater than 0, was 0");
    assertThatThrownBy(() -> load("timeout: {a: 1}\n"))
        .hasMessageContaining("'s.timeout' must be a duration");
  }
}
