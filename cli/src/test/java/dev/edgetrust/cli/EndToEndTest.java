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
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.message.Message;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real EdgeHub against the real CloudHub on loopback: nothing stands in for either side. */
class EndToEndTest {
  @TempDir Path dir;

  private static final class Cloud implements CloudHubListener {
    final BlockingQueue<Map.Entry<NodeName, Message>> received = new LinkedBlockingQueue<>();
    final List<String> serialsSeen = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(NodeName node, Message message) {
      received.add(Map.entry(node, message));
    }

    @Override
    public void onConnected(dev.edgetrust.cloudhub.events.SessionInfo session) {
      serialsSeen.add(session.serialHex());
    }
  }

  @Test
  void edgeHubEnrollsConnectsRotatesAndReconnectsWithoutLosingMessages() throws Exception {
    CloudHubSettings settings =
        CloudHubSettings.loopback(dir.resolve("cloud")).toBuilder()
            .edgeCertSigningDuration(Duration.ofSeconds(8))
            .build();
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()),
            Clock.systemUTC());
    Cloud listener = new Cloud();
    try (CloudHub cloud = CloudHub.start(settings, ca, listener, Clock.systemUTC())) {
      NodeName node = NodeName.of("edge-1");
      EdgeHubSettings edgeSettings =
          EdgeHubSettings.builder(
                  node,
                  new ServerAddress("127.0.0.1", cloud.websocketAddress().orElseThrow().getPort()),
                  URI.create(
                      "https://127.0.0.1:" + cloud.bootstrapAddress().orElseThrow().getPort()),
                  dir.resolve("edge"))
              .token(JoinToken.parse(ca.mintJoinToken(Duration.ofHours(1)).value()))
              .build();
      BlockingQueue<Message> atEdge = new LinkedBlockingQueue<>();
      try (EdgeHub edge = EdgeHub.builder(edgeSettings).onMessage(atEdge::add).build()) {
        edge.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> cloud.session(node).isPresent());
        String first = cloud.session(node).orElseThrow().serialHex();

        // Key 0600 in a 0700 directory, made on the node.
        assertThat(Files.getPosixFilePermissions(edgeSettings.privateKeyFile()))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(edgeSettings.privateKeyFile().getParent()))
            .isEqualTo(PosixFilePermissions.fromString("rwx------"));

        // Rotation at 70-90% of 8 s, then a reconnect on the new certificate.
        await()
            .atMost(Duration.ofSeconds(40))
            .until(
                () ->
                    edge.status().rotations() >= 1
                        && cloud
                            .session(node)
                            .map(s -> !s.serialHex().equals(first))
                            .orElse(false));
        assertThat(cloud.session(node).orElseThrow().serialHex())
            .isEqualTo(edge.status().certificateSerial().orElseThrow());
        // Observed: the edge reads the upgrade answer a moment after the CloudHub registers it.
        await()
            .atMost(Duration.ofSeconds(40))
            .until(() -> edge.status().state() == ConnectionState.CONNECTED);

        // Messages queued at the edge all arrive, in order, across whatever reconnects happen.
        for (int i = 0; i < 20; i++) {
          edge.send(
              Message.create(
                  new Message.Route("edged", "meta", "resource", "update", "n"),
                  TextNode.valueOf("m" + i)));
        }
        for (int i = 0; i < 20; i++) {
          Map.Entry<NodeName, Message> got = listener.received.poll(20, TimeUnit.SECONDS);
          assertThat(got).as("message " + i).isNotNull();
          assertThat(got.getKey()).isEqualTo(node);
          assertThat(got.getValue().content().asText()).isEqualTo("m" + i);
        }
        assertThat(
                cloud.send(
                    node,
                    Message.create(
                        new Message.Route("a", "b", "c", "d", "e"), TextNode.valueOf("down"))))
            .isTrue();
        assertThat(atEdge.poll(20, TimeUnit.SECONDS).content().asText()).isEqualTo("down");
      }
    }
  }

  @Test
  void demo_everyStepHolds() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    boolean held =
        new Demo(new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofSeconds(6)).run();

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(held).as(text).isTrue();
    assertThat(text)
        .containsPattern("All \\d+ steps held\\.")
        .doesNotContain("[FAILED]")
        .contains("blocked edge-node-2");
  }
}
