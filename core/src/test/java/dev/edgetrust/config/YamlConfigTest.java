package dev.edgetrust.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigTest {
  /** A small stand-in for a KubeEdge section: defaults and checks live in compact constructors. */
  record Hub(
      String advertiseAddress,
      List<String> dnsNames,
      Integer keepaliveInterval,
      Boolean rotateCertificates,
      Mode mode,
      Listener websocket) {
    Hub {
      advertiseAddress = Settings.orDefault(advertiseAddress, "127.0.0.1");
      dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
      keepaliveInterval = Settings.positive("keepaliveInterval", keepaliveInterval, 30);
      rotateCertificates = rotateCertificates == null || rotateCertificates;
      mode = mode == null ? Mode.BUILTIN : mode;
      websocket = websocket == null ? new Listener(null, null, null) : websocket;
    }
  }

  record Listener(Boolean enable, String address, Integer port) {
    Listener {
      enable = enable == null || enable;
      address = Settings.orDefault(address, "0.0.0.0");
      port = Settings.port("port", port, 10000);
    }
  }

  enum Mode {
    BUILTIN,
    VAULT
  }

  /** A record with a primitive, to see a null for it refused rather than turned into 0. */
  record Primitive(int count) {}

  @TempDir Path dir;

  @Test
  void sectionOfARealLookingFile_bindsAndOtherSectionsAreIgnored() throws Exception {
    Path file =
        write(
            "cloudcore.yaml",
            """
            apiVersion: cloudcore.config.kubeedge.io/v1alpha2
            kind: CloudCore
            kubeAPIConfig:
              kubeConfig: ""
              qps: 100
            modules:
              cloudStream:
                enable: false
                somethingEdgetrustNeverHeardOf: 1
              cloudHub:
                advertiseAddress: 192.168.1.10
                dnsNames:
                  - cloud.example
                  - cloud
                keepaliveInterval: 45
                rotateCertificates: false
                mode: VAULT
                websocket:
                  enable: true
                  address: 0.0.0.0
                  port: 10443
            """);
    Hub hub = YamlConfig.read(file).section("modules.cloudHub", Hub.class);
    assertThat(hub)
        .isEqualTo(
            new Hub(
                "192.168.1.10",
                List.of("cloud.example", "cloud"),
                45,
                false,
                Mode.VAULT,
                new Listener(true, "0.0.0.0", 10443)));
  }

  @Test
  void missingKeysAndSections_takeTheDefaultsOfTheCompactConstructors() throws Exception {
    Path file = write("edgecore.yaml", "modules:\n  cloudHub:\n    keepaliveInterval: 5\n");
    YamlConfig config = YamlConfig.read(file);
    assertThat(config.section("modules.cloudHub", Hub.class))
        .isEqualTo(
            new Hub(
                "127.0.0.1",
                List.of(),
                5,
                true,
                Mode.BUILTIN,
                new Listener(true, "0.0.0.0", 10000)));
    assertThat(config.section("modules.nothingHere", Listener.class))
        .isEqualTo(new Listener(true, "0.0.0.0", 10000));
  }

  @Test
  void emptyFileAndNullSection_bindAllDefaults() throws Exception {
    assertThat(YamlConfig.read(write("empty.yaml", "")).section("modules.cloudHub", Listener.class))
        .isEqualTo(new Listener(null, null, null));
    assertThat(YamlConfig.read(write("comments.yaml", "# nothing\n")).section("a", Listener.class))
        .isEqualTo(new Listener(null, null, null));
    assertThat(
            YamlConfig.read(write("null.yaml", "modules:\n  cloudHub: ~\n"))
                .section("modules.cloudHub", Listener.class))
        .isEqualTo(new Listener(null, null, null));
  }

  @Test
  void keys_matchCaseInsensitivelyAsInKubeEdge() throws Exception {
    Path file =
        write(
            "c.yaml",
            "Modules:\n  CLOUDHUB:\n    KeepAliveInterval: 7\n    WebSocket:\n      PORT: 1\n");
    Hub hub = YamlConfig.read(file).section("modules.cloudHub", Hub.class);
    assertThat(hub.keepaliveInterval()).isEqualTo(7);
    assertThat(hub.websocket().port()).isEqualTo(1);
  }

  @Test
  void unknownKey_isRefusedNamingTheFileAndTheFullDottedKey() throws Exception {
    Path file = write("c.yaml", "modules:\n  cloudHub:\n    keepaliveIntervall: 7\n");
    assertConfigError(file, "modules.cloudHub", Hub.class)
        .hasMessageStartingWith(
            file + ": unknown key 'modules.cloudHub.keepaliveIntervall' (known keys there: ")
        .hasMessageContaining("keepaliveInterval")
        .hasMessageContaining("websocket");
  }

  @Test
  void unknownNestedKey_isNamedWithItsFullPath() throws Exception {
    Path file = write("c.yaml", "modules:\n  cloudHub:\n    websocket:\n      prot: 1\n");
    assertConfigError(file, "modules.cloudHub", Hub.class)
        .hasMessageStartingWith(
            file
                + ": unknown key 'modules.cloudHub.websocket.prot' (known keys there: address, enable, port)");
  }

  @Test
  void wrongScalarType_namesTheKeyAndTheExpectedType() throws Exception {
    Path file = write("c.yaml", "modules:\n  cloudHub:\n    websocket:\n      port: abc\n");
    assertConfigError(file, "modules.cloudHub", Hub.class)
        .hasMessage(file + ": 'modules.cloudHub.websocket.port' must be a whole number, not 'abc'");

    Path bool = write("b.yaml", "modules:\n  cloudHub:\n    rotateCertificates: maybe\n");
    assertConfigError(bool, "modules.cloudHub", Hub.class)
        .hasMessageStartingWith(
            bool + ": 'modules.cloudHub.rotateCertificates' must be true or false");

    Path fraction = write("f.yaml", "modules:\n  cloudHub:\n    keepaliveInterval: 1.5\n");
    assertConfigError(fraction, "modules.cloudHub", Hub.class)
        .hasMessageStartingWith(
            fraction + ": 'modules.cloudHub.keepaliveInterval' must be a whole number");

    Path mode = write("m.yaml", "modules:\n  cloudHub:\n    mode: cfssl\n");
    assertConfigError(mode, "modules.cloudHub", Hub.class)
        .hasMessageStartingWith(mode + ": 'modules.cloudHub.mode' must be one of [BUILTIN, VAULT]");
  }

  @Test
  void wrongStructure_namesTheKeyAndTheExpectedShape() throws Exception {
    Path list = write("l.yaml", "modules:\n  cloudHub:\n    dnsNames: {a: 1}\n");
    assertConfigError(list, "modules.cloudHub", Hub.class)
        .hasMessage(list + ": 'modules.cloudHub.dnsNames' must be a list");

    Path mapping = write("w.yaml", "modules:\n  cloudHub:\n    websocket: 5\n");
    assertConfigError(mapping, "modules.cloudHub", Hub.class)
        .hasMessageStartingWith(mapping + ": 'modules.cloudHub.websocket' ");

    Path string = write("s.yaml", "modules:\n  cloudHub:\n    advertiseAddress: [a, b]\n");
    assertConfigError(string, "modules.cloudHub", Hub.class)
        .hasMessage(string + ": 'modules.cloudHub.advertiseAddress' must be a string");

    Path section = write("x.yaml", "modules:\n  cloudHub: 5\n");
    assertConfigError(section, "modules.cloudHub", Hub.class)
        .hasMessage(section + ": 'modules.cloudHub' must be a mapping");
  }

  @Test
  void nullForAPrimitive_isRefused() throws Exception {
    Path file = write("p.yaml", "s:\n  count: ~\n");
    assertConfigError(file, "s", Primitive.class).hasMessageStartingWith(file + ": 's.count' ");
  }

  @Test
  void validationInACompactConstructor_surfacesWithTheFileName() throws Exception {
    Path file = write("v.yaml", "modules:\n  cloudHub:\n    keepaliveInterval: 0\n");
    assertConfigError(file, "modules.cloudHub", Hub.class)
        .hasMessageStartingWith(file + ": ")
        .hasMessage(file + ": 'modules.cloudHub.keepaliveInterval' must be greater than 0, was 0");

    Path nested = write("n.yaml", "modules:\n  cloudHub:\n    websocket:\n      port: 70000\n");
    assertConfigError(nested, "modules.cloudHub", Hub.class)
        .hasMessage(
            nested
                + ": 'modules.cloudHub.websocket.port' must be a port from 0 to 65535, was 70000");
  }

  @Test
  void malformedYaml_isRefusedWithTheLineNumber() throws Exception {
    Path file = write("bad.yaml", "modules:\n  cloudHub:\n    a: 1\n   b: [\n");
    assertThatThrownBy(() -> YamlConfig.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            file
                + ": not valid YAML at line 4: expected <block end>, but found '<block mapping start>'");
  }

  @Test
  void malformedYaml_lineNumberIsTheLineOfTheMistake() throws Exception {
    Path file = write("bad.yaml", "a: 1\nb: 2\nc: 3\nd: \"unterminated\n");
    assertThatThrownBy(() -> YamlConfig.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at line 4");
  }

  @Test
  void malformedYaml_messageDoesNotEchoTheFileContent() throws Exception {
    // edgecore.yaml carries the join token; a parse error must not put it in a log.
    String token = "3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f.eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2VjcmV0";
    // The mistake is on the token's own line: "mapping values are not allowed here".
    Path file = write("edgecore.yaml", "modules:\n  edgeHub:\n    token: " + token + ": x\n");
    assertThatThrownBy(() -> YamlConfig.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": not valid YAML at line 3: mapping values are not allowed here");
  }

  @Test
  void topLevelThatIsNotAMapping_isRefused() throws Exception {
    Path file = write("list.yaml", "- a\n- b\n");
    assertThatThrownBy(() -> YamlConfig.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": expected a YAML mapping at the top level");
  }

  @Test
  void missingFile_isNamed() {
    Path file = dir.resolve("nowhere.yaml");
    assertThatThrownBy(() -> YamlConfig.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": no such file");
  }

  @Test
  void fileOverOneMebibyte_isRefusedUnread() throws Exception {
    Path file = dir.resolve("huge.yaml");
    Files.writeString(file, "a: " + "x".repeat(1 << 20) + "\n");
    assertThatThrownBy(() -> YamlConfig.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": larger than 1048576 bytes; not a configuration file");
  }

  @Test
  void fileOfJustUnderOneMebibyte_isRead() throws Exception {
    Path file = write("big.yaml", "a: 1\n# " + "y".repeat((1 << 20) - 200) + "\n");
    assertThat(Files.size(file)).isLessThan(1 << 20);
    assertThat(YamlConfig.read(file).node("a").asInt()).isEqualTo(1);
  }

  @Test
  void node_findsValuesByDottedPathIgnoringCase() throws Exception {
    YamlConfig config =
        YamlConfig.read(write("n.yaml", "modules:\n  Edged:\n    hostnameOverride: edge-1\n"));
    assertThat(config.node("modules.edged.hostnameOverride").asText()).isEqualTo("edge-1");
    assertThat(config.node("modules.edged.missing").isMissingNode()).isTrue();
    assertThat(config.node("modules.edged.hostnameOverride.deeper").isMissingNode()).isTrue();
    JsonNode modules = config.node("modules");
    assertThat(modules.isObject()).isTrue();
  }

  @Test
  void baseDirectory_isTheDirectoryOfTheFile() throws Exception {
    Path file = write("c.yaml", "a: 1\n");
    YamlConfig config = YamlConfig.read(file);
    assertThat(config.file()).isEqualTo(file);
    assertThat(config.baseDirectory()).isEqualTo(dir.toAbsolutePath());
    assertThat(Settings.resolve(config.baseDirectory(), "certs/ca.crt"))
        .isEqualTo(dir.resolve("certs/ca.crt"));
    assertThat(Settings.resolve(config.baseDirectory(), "/etc/kubeedge/ca.crt"))
        .isEqualTo(Path.of("/etc/kubeedge/ca.crt"));
  }

  @Test
  void everyErrorMessage_isOneLine() throws Exception {
    String[] files = {
      "modules:\n  cloudHub:\n    websocket:\n      port: \"1\\n2\"\n",
      "modules:\n  cloudHub:\n    nope: 1\n",
      "modules:\n  cloudHub:\n    keepaliveInterval: -1\n",
      "modules:\n  cloudHub:\n    mode: \"a\\nb\"\n",
      "modules:\n  cloudHub:\n    \"bad\\nkey\": 1\n",
      "modules:\n  cloudHub:\n    websocket:\n      \"x\\u2028y\": 1\n",
    };
    for (String content : files) {
      Path file = write("one-line.yaml", content);
      assertThatThrownBy(() -> YamlConfig.read(file).section("modules.cloudHub", Hub.class))
          .isInstanceOf(ConfigException.class)
          .message()
          .doesNotContain("\n", "\r", "\u2028");
    }
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertConfigError(
      Path file, String section, Class<?> type) {
    return assertThatThrownBy(() -> YamlConfig.read(file).section(section, type))
        .isInstanceOf(ConfigException.class);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
