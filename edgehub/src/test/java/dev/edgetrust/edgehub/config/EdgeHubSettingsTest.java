package dev.edgetrust.edgehub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.pki.NodeName;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeHubSettingsTest {
  private static final String TOKEN =
      "a".repeat(64) + ".eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl";

  @TempDir Path dir;

  private Path realEdgecore() throws IOException {
    Path file = dir.resolve("edgecore.yaml");
    try (InputStream in = getClass().getResourceAsStream("/edgecore-v1.15.yaml")) {
      Files.copy(in, file);
    }
    return file;
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("edgecore.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static String edgeHub(String body) {
    return "modules:\n  edged:\n    hostnameOverride: node-a\n  edgeHub:\n" + body.indent(4);
  }

  @Test
  void kubeEdgeV115Edgecore_loadsUnchanged() throws Exception {
    EdgeHubSettings s = EdgeHubSettings.load(realEdgecore());

    assertThat(s.nodeName()).isEqualTo(NodeName.of("edge-node-1"));
    assertThat(s.projectId()).isEqualTo("e632aba927ea4ac2b575ec1603d56f10");
    assertThat(s.heartbeat()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.messageQps()).isEqualTo(30);
    assertThat(s.messageBurst()).isEqualTo(60);
    assertThat(s.caFile()).isEqualTo(Path.of("/etc/kubeedge/ca/rootCA.crt"));
    assertThat(s.certificateFile()).isEqualTo(Path.of("/etc/kubeedge/certs/server.crt"));
    assertThat(s.privateKeyFile()).isEqualTo(Path.of("/etc/kubeedge/certs/server.key"));
    assertThat(s.token()).isEmpty();
    assertThat(s.tokenFile()).isEmpty();
    assertThat(s.httpServer()).isEqualTo(URI.create("https://192.168.1.10:10002"));
    assertThat(s.rotateCertificates()).isTrue();
    assertThat(s.websocket().server()).isEqualTo(new ServerAddress("192.168.1.10", 10000));
    assertThat(s.websocket().handshakeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.websocket().readDeadline()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.websocket().writeDeadline()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.webSocketUri())
        .isEqualTo(
            URI.create(
                "wss://192.168.1.10:10000/e632aba927ea4ac2b575ec1603d56f10/edge-node-1/events"));
    assertThat(s.deadConnectionTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void minimalSection_getsKubeEdgeDefaults_andHttpServerOnTheWebsocketHost() throws Exception {
    EdgeHubSettings s =
        EdgeHubSettings.load(write(edgeHub("websocket:\n  server: cloud.example:10000\n")));

    assertThat(s.heartbeat()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.caFile()).isEqualTo(Path.of(EdgeHubSettings.DEFAULT_CA_FILE));
    assertThat(s.rotateCertificates()).isTrue();
    assertThat(s.httpServer()).isEqualTo(URI.create("https://cloud.example:10002"));
    assertThat(s.escalateAfter()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void relativePaths_resolveAgainstTheConfigFilesDirectory() throws Exception {
    EdgeHubSettings s =
        EdgeHubSettings.load(
            write(
                edgeHub(
                    """
                websocket: {server: "127.0.0.1:10000"}
                tlsCaFile: ca/rootCA.crt
                tlsCertFile: certs/server.crt
                tlsPrivateKeyFile: ./certs/server.key
                tokenFile: ../token
                """)));

    assertThat(s.caFile()).isEqualTo(dir.resolve("ca/rootCA.crt").toAbsolutePath());
    assertThat(s.certificateFile()).isEqualTo(dir.resolve("certs/server.crt").toAbsolutePath());
    assertThat(s.privateKeyFile()).isEqualTo(dir.resolve("certs/server.key").toAbsolutePath());
    assertThat(s.tokenFile()).contains(dir.getParent().resolve("token").toAbsolutePath());
  }

  @Test
  void token_isParsed_andNeverShownBySettingsToString() throws Exception {
    EdgeHubSettings s =
        EdgeHubSettings.load(
            write(edgeHub("websocket: {server: \"127.0.0.1:10000\"}\ntoken: " + TOKEN + "\n")));

    assertThat(s.token()).isPresent();
    assertThat(s.token().get().caHash()).isEqualTo("a".repeat(64));
    assertThat(s.toString()).doesNotContain("eyJ").doesNotContain("c2lnbmF0dXJl");
  }

  @Test
  void unknownKeyUnderEdgeHub_namesFileAndKey() throws Exception {
    Path file = write(edgeHub("websocket: {server: \"127.0.0.1:10000\"}\nheartbeats: 10\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown key 'modules.edgeHub.heartbeats'");
  }

  @Test
  void unknownKeyInNestedWebsocket_namesTheFullKey() throws Exception {
    Path file = write(edgeHub("websocket: {server: \"127.0.0.1:10000\", readTimeout: 3}\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown key 'modules.edgeHub.websocket.readTimeout'");
  }

  @Test
  void wrongType_namesTheKey() throws Exception {
    Path file = write(edgeHub("websocket: {server: \"127.0.0.1:10000\"}\nheartbeat: fifteen\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("'modules.edgeHub.heartbeat' must be a whole number");
  }

  @Test
  void zeroHeartbeat_isRefusedNamingTheKey() throws Exception {
    Path file = write(edgeHub("websocket: {server: \"127.0.0.1:10000\"}\nheartbeat: 0\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("'modules.edgeHub.heartbeat' must be greater than 0");
  }

  @Test
  void zeroNestedTimeout_isRefusedNamingTheKey() throws Exception {
    Path file = write(edgeHub("websocket: {server: \"127.0.0.1:10000\", handshakeTimeout: 0}\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("websocket")
        .hasMessageContaining(
            "'modules.edgeHub.websocket.handshakeTimeout' must be greater than 0");
  }

  @Test
  void quicEnabled_isRefusedWithAClearMessage() throws Exception {
    Path file =
        write(
            edgeHub(
                "websocket: {enable: false, server: \"127.0.0.1:10000\"}\nquic: {enable: true, server: \"127.0.0.1:10001\"}\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("QUIC is not supported yet; use websocket");
  }

  @Test
  void missingWebsocketServer_isRefusedNamingTheKey() throws Exception {
    Path file = write(edgeHub("heartbeat: 15\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageContaining("'modules.edgeHub.websocket.server' is required");
  }

  @Test
  void malformedWebsocketServer_isRefused() throws Exception {
    Path file = write(edgeHub("websocket: {server: \"wss://127.0.0.1\"}\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageContaining("'modules.edgeHub.websocket.server'")
        .hasMessageContaining("host:port");
  }

  @Test
  void plainHttpBootstrap_isRefused() throws Exception {
    Path file =
        write(
            edgeHub(
                "websocket: {server: \"127.0.0.1:10000\"}\nhttpServer: http://127.0.0.1:10002\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageContaining("'modules.edgeHub.httpServer' must be an https:// URL");
  }

  @Test
  void malformedToken_isRefusedWithoutEchoingIt() throws Exception {
    Path file =
        write(edgeHub("websocket: {server: \"127.0.0.1:10000\"}\ntoken: secret-part.other-part\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageContaining("'modules.edgeHub.token' is not a KubeEdge join token")
        .hasMessageContaining("4 dot-separated parts")
        .hasMessageNotContaining("secret-part");
  }

  @Test
  void invalidHostnameOverride_isRefusedNamingTheKey() throws Exception {
    Path file =
        write(
            "modules:\n  edged:\n    hostnameOverride: Edge_Node\n  edgeHub:\n    websocket: {server: \"127.0.0.1:10000\"}\n");

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageContaining("modules.edged.hostnameOverride")
        .hasMessageContaining("not a valid node name");
  }

  @Test
  void withoutHostnameOverride_theHostNameLowercasedIsTheNodeName() throws Exception {
    Path file = write("modules:\n  edgeHub:\n    websocket: {server: \"127.0.0.1:10000\"}\n");
    String host = EdgecoreFile.hostName();

    if (isValidNodeName(host)) {
      assertThat(EdgeHubSettings.load(file).nodeName().value()).isEqualTo(host);
    } else {
      assertThatThrownBy(() -> EdgeHubSettings.load(file))
          .hasMessageContaining("modules.edged.hostnameOverride");
    }
  }

  @Test
  void edgeHubSwitchedOff_isAClearError() throws Exception {
    Path file = write(edgeHub("enable: false\n"));

    assertThatThrownBy(() -> EdgeHubSettings.load(file))
        .hasMessageContaining("'modules.edgeHub.enable' is false");
  }

  @Test
  void builtInCode_getsTheSameDefaultsAsAMinimalFile() throws Exception {
    EdgeHubSettings fromFile =
        EdgeHubSettings.load(
            write(
                edgeHub(
                    """
                websocket: {server: "127.0.0.1:10000"}
                tlsCaFile: ca/rootCA.crt
                tlsCertFile: certs/server.crt
                tlsPrivateKeyFile: certs/server.key
                """)));

    EdgeHubSettings inCode =
        EdgeHubSettings.builder(
                NodeName.of("node-a"),
                new ServerAddress("127.0.0.1", 10000),
                URI.create("https://127.0.0.1:10002"),
                dir)
            .build();

    assertThat(fromFile.toBuilder().source("settings").build()).isEqualTo(inCode);
  }

  @Test
  void toBuilder_copiesEveryKey_andAChangeStaysWhereItWasMade() throws Exception {
    EdgeHubSettings s =
        EdgeHubSettings.load(
            write(
                edgeHub(
                    """
                websocket: {server: "127.0.0.1:10000", readDeadline: 7}
                heartbeat: 3
                projectID: p1
                token: %s
                tokenFile: t
                rotateCertificates: false
                metrics: {enable: true, port: 0}
                gateway: {enable: true, port: 0, httpsPort: 0, keepaliveInterval: 9}
                escalateAfter: 60
                """
                        .formatted(TOKEN))));

    assertThat(s.escalateAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.toBuilder().build()).isEqualTo(s);
    EdgeHubSettings changed = s.toBuilder().heartbeat(Duration.ofSeconds(4)).build();
    assertThat(changed.heartbeat()).isEqualTo(Duration.ofSeconds(4));
    assertThat(changed.toBuilder().heartbeat(Duration.ofSeconds(3)).build()).isEqualTo(s);
  }

  @Test
  void builtInCode_isCheckedAsAFileIs() {
    EdgeHubSettings.Builder b =
        EdgeHubSettings.builder(
            NodeName.of("node-a"),
            new ServerAddress("127.0.0.1", 10000),
            URI.create("https://127.0.0.1:10002"),
            dir);

    assertThatThrownBy(() -> b.heartbeat(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'heartbeat' must be greater than 0, was 0");
    assertThatThrownBy(() -> b.heartbeat(Duration.ofSeconds(1)).httpServer("http://x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'httpServer' must be an https:// URL");
  }

  @Test
  void ipv6Server_keepsTheAddressForHostnameVerification() {
    ServerAddress a = ServerAddress.parse("[::1]:10000");

    assertThat(a.host()).isEqualTo("::1");
    assertThat(a.port()).isEqualTo(10000);
    assertThat(a.authority()).isEqualTo("[::1]:10000");
  }

  private static boolean isValidNodeName(String name) {
    try {
      NodeName.of(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
