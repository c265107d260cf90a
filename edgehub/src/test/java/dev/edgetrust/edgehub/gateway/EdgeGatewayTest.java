package dev.edgetrust.edgehub.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.EdgeHubException;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.GatewaySettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.edgehub.testing.LocalEdgecore;
import dev.edgetrust.edgehub.testing.TestCa;
import dev.edgetrust.edgehub.testing.TestCloudHub;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge gateway with a real EdgeHub, real TLS and sockets on loopback, and an edgecore-shaped
 * client.
 */
class EdgeGatewayTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final NodeName NODE = NodeName.of("node-a");

  @TempDir Path dir;
  private final TestCa ca = new TestCa("test-ca");
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    resources.add(resource);
    return resource;
  }

  /**
   * A CloudHub stand-in and an EdgeHub connected to it with the gateway on any free loopback ports.
   */
  private EdgeHub edgeHubWithGateway(TestCloudHub hub, GatewaySettings gateway) throws Exception {
    EdgeHubSettings settings =
        EdgeHubSettings.builder(
                NODE,
                new ServerAddress("127.0.0.1", hub.port()),
                URI.create("https://127.0.0.1:1"),
                dir.resolve("edge"))
            .gateway(gateway.toBuilder())
            .build();
    KeyPair key = Keys.newP256();
    HeldCertificate held =
        new HeldCertificate(
            key.getPrivate(),
            List.of(
                ca.issueClient(
                    NODE.subject(),
                    key.getPublic(),
                    Instant.now().minusSeconds(5),
                    Duration.ofHours(1))));
    KeyCertificateFiles.writeCertificates(settings.caFile(), List.of(ca.certificate()));
    settings.credentialFiles().write(held);
    EdgeHub edge = closing(EdgeHub.builder(settings).build());
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    return edge;
  }

  private GatewaySettings gatewaySettings() {
    return GatewaySettings.builder().directory(dir.resolve("gateway")).port(0).httpsPort(0).build();
  }

  private TestCloudHub cloudHub() throws Exception {
    return closing(new TestCloudHub(ca.issueServer("127.0.0.1"), ca.certificate()));
  }

  private static LocalEdgecore localEdgecore(EdgeHub edge) {
    EdgeGateway gateway = edge.gateway().orElseThrow();
    return new LocalEdgecore(
        gateway.httpsAddress().orElseThrow().getPort(),
        gateway.websocketAddress().orElseThrow().getPort());
  }

  private static String token(GatewaySettings settings) throws Exception {
    return Files.readString(settings.tokenFile()).strip();
  }

  private static Message data(String resource) {
    return Message.create(
        new Message.Route("edged", "meta", "resource", "update", resource),
        TextNode.valueOf(resource));
  }

  private static List<Message> relayedUpstream(TestCloudHub hub) {
    List<Message> out = new ArrayList<>();
    for (TestCloudHub.Frame f : hub.frames()) {
      if (!f.text().startsWith("CLOSE")) {
        Message m = MessageCodec.decode(f.text());
        if (!m.isKeepalive() && !m.isEmpty()) {
          out.add(m);
        }
      }
    }
    return out;
  }

  @Test
  void stockEdgecoreShapedClient_joinsWithTheLocalToken_andIsRelayedBothWays() throws Exception {
    TestCloudHub hub = cloudHub();
    GatewaySettings gateway = gatewaySettings();
    EdgeHub edge = edgeHubWithGateway(hub, gateway);
    LocalEdgecore edgecore = localEdgecore(edge);

    HeldCertificate local = edgecore.join(token(gateway), "node-a");
    LocalEdgecore.Session session = edgecore.connect(local, "node-a");
    Message update = data("default/pod/x");
    session.send(MessageCodec.encode(Message.keepalive()) + "\n");
    session.send(MessageCodec.encode(update) + "\n");
    session.send("{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}\n");

    await().atMost(PATIENCE).until(() -> !relayedUpstream(hub).isEmpty());
    assertThat(relayedUpstream(hub))
        .as("keepalive and goodbye answered locally, the update relayed")
        .singleElement()
        .isEqualTo(update);
    assertThat(hub.upgrades()).as("one upstream session, the EdgeHub's own").hasSize(1);

    Message down = data("default/configmap/y");
    hub.sendToLatest(MessageCodec.encode(down));
    String text = session.texts.poll(30, TimeUnit.SECONDS);
    assertThat(text).as("JSON and a newline, as gorilla's WriteJSON writes it").endsWith("}\n");
    assertThat(MessageCodec.decode(text)).isEqualTo(down);
    assertThat(local.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=system:node:node-a,O=system:nodes");
    assertThat(CertificateUsage.permitsServerAuth(local.certificate())).isFalse();
  }

  @Test
  void localTokenHash_isTheLocalCasHash_soEdgecoresCheckPasses() throws Exception {
    TestCloudHub hub = cloudHub();
    GatewaySettings gateway = gatewaySettings();
    EdgeHub edge = edgeHubWithGateway(hub, gateway);

    assertThat(token(gateway))
        .startsWith(Certificates.sha256Hex(localEdgecore(edge).fetchCa()) + ".");
    assertThat(Files.getPosixFilePermissions(gateway.tokenFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void anotherNodeName_isRefusedAtEdgeCrtAndAtTheUpgrade() throws Exception {
    TestCloudHub hub = cloudHub();
    GatewaySettings gateway = gatewaySettings();
    EdgeHub edge = edgeHubWithGateway(hub, gateway);
    LocalEdgecore edgecore = localEdgecore(edge);
    String jwt = token(gateway).split("\\.", 2)[1];

    assertThat(edgecore.edgeCrtStatus("node-b", Optional.of(jwt), Optional.empty())).isEqualTo(403);
    assertThat(edgecore.edgeCrtStatus("node-a", Optional.of(jwt + "x"), Optional.empty()))
        .as("a forged token")
        .isEqualTo(401);
    HeldCertificate local = edgecore.join(token(gateway), "node-a");
    assertThatThrownBy(() -> edgecore.connect(local, "node-b"))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(WebSocketHandshakeException.class)
        .satisfies(
            t ->
                assertThat(((WebSocketHandshakeException) t.getCause()).getResponse().statusCode())
                    .isEqualTo(403));
    assertThat(hub.upgrades()).hasSize(1);
  }

  @Test
  void listeners_areOnLoopbackOnly() throws Exception {
    TestCloudHub hub = cloudHub();
    EdgeHub edge = edgeHubWithGateway(hub, gatewaySettings());
    EdgeGateway gateway = edge.gateway().orElseThrow();

    for (InetSocketAddress bound :
        List.of(gateway.websocketAddress().orElseThrow(), gateway.httpsAddress().orElseThrow())) {
      assertThat(bound.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (!address.isLoopbackAddress()) {
            assertThatThrownBy(
                    () -> {
                      try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(address, bound.getPort()), 2000);
                      }
                    })
                .as("port %d on %s", bound.getPort(), address)
                .isInstanceOf(java.io.IOException.class);
          }
        }
      }
    }
  }

  @Test
  void localCa_keyIs0600InA0700Directory_andAGroupReadableKeyStopsTheStartInOneLine()
      throws Exception {
    TestCloudHub hub = cloudHub();
    GatewaySettings gateway = gatewaySettings();
    EdgeHub edge = edgeHubWithGateway(hub, gateway);
    assertThat(Files.getPosixFilePermissions(gateway.caKeyFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(gateway.directory()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    edge.close();

    Files.setPosixFilePermissions(
        gateway.caKeyFile(), PosixFilePermissions.fromString("rw-r-----"));
    EdgeHubSettings settings =
        EdgeHubSettings.builder(
                NODE,
                new ServerAddress("127.0.0.1", hub.port()),
                URI.create("https://127.0.0.1:1"),
                dir.resolve("edge"))
            .gateway(gateway.toBuilder())
            .build();
    EdgeHub again = closing(EdgeHub.builder(settings).build());

    assertThatThrownBy(again::start)
        .isInstanceOf(EdgeHubException.class)
        .hasMessageContaining(gateway.caKeyFile().toString())
        .hasMessageContaining("chmod 600")
        .hasMessageNotContaining("\n");
  }

  @Test
  void upstreamGone_closesTheLocalSession_soEdgecoreReconnects() throws Exception {
    TestCloudHub hub = cloudHub();
    GatewaySettings gateway = gatewaySettings();
    EdgeHub edge = edgeHubWithGateway(hub, gateway);
    LocalEdgecore edgecore = localEdgecore(edge);
    LocalEdgecore.Session session =
        edgecore.connect(edgecore.join(token(gateway), "node-a"), "node-a");

    hub.disconnectAll();

    LocalEdgecore.Close close = session.closes.poll(30, TimeUnit.SECONDS);
    assertThat(close).isNotNull();
    assertThat(close.code()).isEqualTo(1001);
  }

  @Test
  void whileTheUpstreamIsDown_aLocalUpgradeIsRefused503_soEdgecoreRetriesAsWithCloudcoreAway()
      throws Exception {
    TestCloudHub hub = cloudHub();
    GatewaySettings gateway = gatewaySettings();
    EdgeHub edge = edgeHubWithGateway(hub, gateway);
    LocalEdgecore edgecore = localEdgecore(edge);
    HeldCertificate local = edgecore.join(token(gateway), "node-a");

    hub.close();
    await().atMost(PATIENCE).until(() -> edge.status().state() != ConnectionState.CONNECTED);

    assertThatThrownBy(() -> edgecore.connect(local, "node-a"))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(WebSocketHandshakeException.class)
        .satisfies(
            t ->
                assertThat(((WebSocketHandshakeException) t.getCause()).getResponse().statusCode())
                    .isEqualTo(503));
  }

  @Test
  void localEdgecoreGone_leavesTheUpstreamSession_andCloudMessagesMeanwhileAreHandedOverInOrder()
      throws Exception {
    TestCloudHub hub = cloudHub();
    GatewaySettings gateway = gatewaySettings();
    EdgeHub edge = edgeHubWithGateway(hub, gateway);
    LocalEdgecore edgecore = localEdgecore(edge);
    HeldCertificate local = edgecore.join(token(gateway), "node-a");
    LocalEdgecore.Session first = edgecore.connect(local, "node-a");
    first.close();
    await().atMost(PATIENCE).until(() -> !edge.gateway().orElseThrow().localConnectedNow());

    Message one = data("one");
    Message two = data("two");
    hub.sendToLatest(MessageCodec.encode(one));
    hub.sendToLatest(MessageCodec.encode(two));
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                edge.gateway().orElseThrow().heldNow() > 0
                    && edge.gateway().orElseThrow().heldNow()
                        >= MessageCodec.encode(one).length() + MessageCodec.encode(two).length());
    LocalEdgecore.Session second = edgecore.connect(local, "node-a");

    assertThat(MessageCodec.decode(second.texts.poll(30, TimeUnit.SECONDS))).isEqualTo(one);
    assertThat(MessageCodec.decode(second.texts.poll(30, TimeUnit.SECONDS))).isEqualTo(two);
    assertThat(hub.upgrades()).as("the upstream session was never torn down").hasSize(1);
    assertThat(edge.status().state()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void slowLocalEdgecore_isCutAtItsCap() throws Exception {
    TestCloudHub hub = cloudHub();
    GatewaySettings gateway = gatewaySettings().toBuilder().maxBufferedBytes(64 << 10).build();
    EdgeHub edge = edgeHubWithGateway(hub, gateway);
    LocalEdgecore edgecore = localEdgecore(edge);
    LocalEdgecore.Session session =
        edgecore.connect(edgecore.join(token(gateway), "node-a"), "node-a");
    session.reading = false;
    String big =
        MessageCodec.encode(
            Message.create(
                new Message.Route("cloud", "edged", "resource", "update", "default/pod/big"),
                TextNode.valueOf("x".repeat(32 << 10))));

    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              if (!edge.gateway().orElseThrow().localConnectedNow()) {
                return true;
              }
              // A burst per look: enough to fill the loopback socket buffers soon, whatever their
              // size.
              for (int i = 0; i < 16; i++) {
                hub.sendToLatest(big);
              }
              return false;
            });
    assertThat(edge.status().state())
        .as("the node's own session is untouched")
        .isEqualTo(ConnectionState.CONNECTED);
    assertThat(hub.upgrades()).hasSize(1);
  }

  @Test
  void rotation_atEdgeCrtWithTheCurrentCertificate_needsNoToken_andTheNewCertificateConnects()
      throws Exception {
    TestCloudHub hub = cloudHub();
    GatewaySettings gateway = gatewaySettings();
    EdgeHub edge = edgeHubWithGateway(hub, gateway);
    LocalEdgecore edgecore = localEdgecore(edge);
    HeldCertificate first = edgecore.join(token(gateway), "node-a");

    HeldCertificate second = edgecore.rotate(first, "node-a");

    assertThat(second.serialHex()).isNotEqualTo(first.serialHex());
    assertThat(NodeName.fromCertificate(second.certificate())).isEqualTo(NODE);
    assertThat(edgecore.edgeCrtStatus("node-b", Optional.empty(), Optional.of(second)))
        .as("a rotation names its own node")
        .isEqualTo(403);
    assertThat(edgecore.edgeCrtStatus("node-a", Optional.empty(), Optional.empty()))
        .as("neither token nor certificate")
        .isEqualTo(401);
    LocalEdgecore.Session session = edgecore.connect(second, "node-a");
    Message update = data("after-rotation");
    session.send(MessageCodec.encode(update) + "\n");
    await().atMost(PATIENCE).until(() -> relayedUpstream(hub).contains(update));
  }
}
