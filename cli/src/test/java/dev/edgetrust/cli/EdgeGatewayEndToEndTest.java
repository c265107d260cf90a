package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.GatewaySettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.edgehub.gateway.EdgeGateway;
import dev.edgetrust.edgehub.testing.LocalEdgecore;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stock-edgecore-shaped client served by the edge gateway of a real EdgeHub, relayed both ways
 * through a real edgetrust CloudHub on the built-in CA: nothing stands in for either hub.
 */
class EdgeGatewayEndToEndTest {
  @TempDir Path dir;

  private static final class Cloud implements CloudHubListener {
    final BlockingQueue<Map.Entry<NodeName, Message>> received = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(NodeName node, Message message) {
      received.add(Map.entry(node, message));
    }
  }

  /** {@code ./edgetrust edgehub gateway-token --config F}, its standard output. */
  private static String gatewayToken(Path config) {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertThat(Main.run("edgehub", "gateway-token", "--config", config.toString())).isZero();
    } finally {
      System.setOut(oldOut);
    }
    return out.toString(StandardCharsets.UTF_8).strip();
  }

  @Test
  void stockEdgecoreShapedClient_joinsLocally_andIsRelayedBothWaysThroughARealCloudHub()
      throws Exception {
    CloudHubSettings settings = CloudHubSettings.loopback(dir.resolve("cloud"));
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()),
            Clock.systemUTC());
    Cloud listener = new Cloud();
    try (CloudHub cloud = CloudHub.start(settings, ca, listener, Clock.systemUTC())) {
      NodeName node = NodeName.of("edge-1");
      int cloudPort = cloud.websocketAddress().orElseThrow().getPort();
      // The EdgeHub's own edgecore.yaml, as the operator writes it (the CLI reads it for the
      // token).
      Path config = dir.resolve("edge/edgecore.yaml");
      Files.createDirectories(config.getParent());
      Files.writeString(
          config,
          "modules:\n  edged:\n    hostnameOverride: edge-1\n  edgeHub:\n"
              + ("websocket:\n  server: 127.0.0.1:"
                      + cloudPort
                      + "\ngateway:\n  enable: true\n  directory: gateway\n")
                  .indent(4));
      GatewaySettings gateway =
          EdgeHubSettings.load(config).gateway().orElseThrow().toBuilder()
              .port(0)
              .httpsPort(0)
              .build();
      EdgeHubSettings edgeSettings =
          EdgeHubSettings.builder(
                  node,
                  new ServerAddress("127.0.0.1", cloudPort),
                  URI.create(
                      "https://127.0.0.1:" + cloud.bootstrapAddress().orElseThrow().getPort()),
                  dir.resolve("edge"))
              .token(JoinToken.parse(ca.mintJoinToken(Duration.ofHours(1)).value()))
              .gateway(gateway.toBuilder())
              .build();
      try (EdgeHub edge = EdgeHub.builder(edgeSettings).build()) {
        edge.start();
        // Connected as the edge itself reports it, not only as the cloud sees it: the edge logs
        // "connected" to stdout just before it says so, and gatewayToken() below captures stdout.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    cloud.session(node).isPresent()
                        && edge.status().state() == ConnectionState.CONNECTED);
        String upstreamSerial = cloud.session(node).orElseThrow().serialHex();
        EdgeGateway local = edge.gateway().orElseThrow();
        LocalEdgecore edgecore =
            new LocalEdgecore(
                local.httpsAddress().orElseThrow().getPort(),
                local.websocketAddress().orElseThrow().getPort());

        String token = gatewayToken(config);
        assertThat(token).startsWith(Certificates.sha256Hex(edgecore.fetchCa()) + ".");
        HeldCertificate localCertificate = edgecore.join(token, "edge-1");
        LocalEdgecore.Session session = edgecore.connect(localCertificate, "edge-1");

        Message up =
            Message.create(
                new Message.Route("edged", "meta", "resource", "update", "default/pod/x"),
                TextNode.valueOf("up"));
        session.send(MessageCodec.encode(up) + "\n");
        Map.Entry<NodeName, Message> got = listener.received.poll(30, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.getKey())
            .as("the node's real identity, from the built-in CA")
            .isEqualTo(node);
        assertThat(got.getValue()).isEqualTo(up);

        Message down =
            Message.create(
                new Message.Route("cloud", "edged", "resource", "update", "default/pod/y"),
                TextNode.valueOf("down"));
        assertThat(cloud.send(node, down)).isTrue();
        String text = session.texts.poll(30, TimeUnit.SECONDS);
        assertThat(text).endsWith("\n");
        assertThat(MessageCodec.decode(text)).isEqualTo(down);

        // edgecore's goodbye and leaving do not end the node's session to the CloudHub.
        session.send(
            "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}\n");
        session.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> !local.localConnectedNow());
        assertThat(cloud.session(node).map(s -> s.serialHex())).contains(upstreamSerial);
        assertThat(listener.received).as("the goodbye was not relayed").isEmpty();
      }
    }
  }
}
