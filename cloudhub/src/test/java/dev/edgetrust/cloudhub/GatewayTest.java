package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.cloudhub.config.MetricsSettings;
import dev.edgetrust.cloudhub.config.UpstreamServer;
import dev.edgetrust.cloudhub.config.UpstreamSettings;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.revocation.RevocationNotice;
import dev.edgetrust.standin.CloudcoreCredentials;
import dev.edgetrust.standin.CloudcoreStandIn;
import dev.edgetrust.x509.HeldCertificate;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CloudHub as a gateway in front of cloudcore, end to end on loopback with real TLS: an edge
 * client → the edgetrust CloudHub (gateway) → a server behaving as cloudcore's CloudHub.
 */
class GatewayTest {
  static final String PROJECT = "e632aba927ea4ac2b575ec1603d56f10";
  static final String GOODBYE =
      "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}\n";

  @TempDir Path dir;
  HubFixture f;
  CloudcoreStandIn cloudcore;
  UpstreamSettings upstream;

  @BeforeEach
  void cloudcore() throws Exception {
    // cloudcore's own CA, unrelated to the gateway's: it signs cloudcore's server certificate and
    // the one gateway certificate.
    BuiltinCa cloudcoreCa =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(
                dir.resolve("cloudcore/rootCA.crt"), dir.resolve("cloudcore/rootCA.key")),
            Clock.systemUTC());
    CloudcoreCredentials credentials = CloudcoreCredentials.of(cloudcoreCa, Duration.ofHours(1));
    CloudcoreCredentials.GatewayFiles files =
        credentials.writeGatewayFiles(dir.resolve("upstream"));
    cloudcore =
        credentials.startStandIn(Duration.ofSeconds(30), CloudcoreStandIn.Recording.EVERYTHING);
    upstream =
        UpstreamSettings.of(
            new UpstreamServer("127.0.0.1", cloudcore.port()),
            files.caFile(),
            files.certFile(),
            files.keyFile());
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
    cloudcore.close();
  }

  private void startGateway(UpstreamSettings settings) throws Exception {
    f = HubFixture.start(dir.resolve("hub"), s -> s.toBuilder().upstream(settings).build());
  }

  /** An edge connected through the gateway, once cloudcore has its session. */
  private Edge edge(String node) throws Exception {
    Edge edge =
        Edge.connect(f, f.enroll(node), node, "node_id", "project_id", "ConnectionUse", "msg");
    await().until(() -> cloudcore.connected(node));
    return edge;
  }

  @Test
  void messagesRelayedBothWays_byteForByte() throws Exception {
    startGateway(upstream);
    Edge edge = edge("edge-1");
    Message up =
        Message.create(
            new Message.Route("edged", "meta", "resource", "update", "default/pod/x"),
            TextNode.valueOf("hello cloud"));
    // A field this project does not model, and gorilla's trailing newline: both must arrive.
    String upText =
        MessageCodec.encode(up).replaceFirst("}$", ",\"extra\":{\"kept\":true}}") + "\n";

    edge.send(upText);

    CloudcoreStandIn.Received atCloudcore = cloudcore.received().poll(10, TimeUnit.SECONDS);
    assertThat(atCloudcore).isNotNull();
    assertThat(atCloudcore.node()).isEqualTo("edge-1");
    assertThat(atCloudcore.text()).isEqualTo(upText);
    String ack = edge.texts.poll(10, TimeUnit.SECONDS);
    assertThat(MessageCodec.decode(ack).isResponse())
        .as("cloudcore's ack reaches the edge")
        .isTrue();
    assertThat(MessageCodec.decode(ack).header().parentId()).isEqualTo(up.header().id());

    String downText =
        MessageCodec.encode(
                Message.create(
                    new Message.Route(
                        "edgecontroller", "edged", "resource", "update", "default/pod/y"),
                    TextNode.valueOf("hello edge")))
            + "\n";
    cloudcore.send("edge-1", downText);

    assertThat(edge.texts.poll(10, TimeUnit.SECONDS)).isEqualTo(downText);
    assertThat(f.received).as("relayed, not handed to the CloudHub's own listener").isEmpty();
    assertThat(f.events).containsExactly("connected edge-1");
  }

  @Test
  void upstreamHandshake_isCloudcoresOwn_withTheCertificatesNode() throws Exception {
    startGateway(upstream);
    edge("edge-1");

    CloudcoreStandIn.Upgrade upgrade = cloudcore.upgrades().poll(10, TimeUnit.SECONDS);
    assertThat(upgrade.uri()).isEqualTo("/" + PROJECT + "/edge-1/events");
    assertThat(upgrade.header("node_id")).isEqualTo("edge-1");
    assertThat(upgrade.header("project_id")).isEqualTo(PROJECT);
    assertThat(upgrade.header("ConnectionUse"))
        .as("exactly msg: cloudcore reads nothing else")
        .isEqualTo("msg");
    assertThat(upgrade.header("Origin")).isNull();
  }

  @Test
  void keepalives_reachUpstreamUnchanged() throws Exception {
    startGateway(upstream);
    Edge edge = edge("edge-1");
    String keepalive = MessageCodec.encode(Message.keepalive()) + "\n";

    Message query =
        Message.create(
            new Message.Route("edged", "meta", "resource", "query", "x"), TextNode.valueOf("q"));

    edge.send(keepalive);
    edge.send(MessageCodec.encode(query) + "\n");

    assertThat(cloudcore.received().poll(10, TimeUnit.SECONDS).text()).isEqualTo(keepalive);
    // In order on one connection: an answer to the keepalive would have come before this one.
    Message first = MessageCodec.decode(edge.texts.poll(10, TimeUnit.SECONDS));
    assertThat(first.header().parentId())
        .as("cloudcore answers the query, not the keepalive")
        .isEqualTo(query.header().id());
  }

  @Test
  void edgeLyingAboutItsNode_isRefusedAndNothingIsDialed() throws Exception {
    startGateway(upstream);
    HeldCertificate cert = f.enroll("edge-1");

    assertThatThrownBy(
            () -> Edge.connect(f, cert, "edge-2", "node_id", "project_id", "ConnectionUse", "msg"))
        .satisfies(t -> assertThat(refusalStatus(t)).isEqualTo(403));

    // The same certificate, honest this time (a second enrollment of edge-1 would be a takeover:
    // 409).
    Edge honest = Edge.connect(f, cert, "edge-1", "node_id", "project_id", "ConnectionUse", "msg");
    await().until(() -> cloudcore.connected("edge-1"));
    CloudcoreStandIn.Upgrade only = cloudcore.upgrades().poll(10, TimeUnit.SECONDS);
    assertThat(only.header("node_id")).isEqualTo("edge-1");
    assertThat(cloudcore.upgrades()).as("the refused upgrade never reached cloudcore").isEmpty();
    assertThat(honest.closes).isEmpty();
  }

  @Test
  void stockEdgecoreShapedClient_isRelayedUnchanged() throws Exception {
    startGateway(upstream);
    Edge edge =
        Edge.connect(
            f, f.enroll("edge-1"), "edge-1", "Node_id", "Project_id", "Connectionuse", "msg");
    await().until(() -> cloudcore.connected("edge-1"));
    String keepalive = MessageCodec.encode(Message.keepalive()) + "\n";
    Message update =
        Message.create(
            new Message.Route("edged", "meta", "resource", "update", "default/pod/x"),
            TextNode.valueOf("x"));
    String updateText = MessageCodec.encode(update) + "\n";

    edge.send(keepalive);
    edge.send(updateText);
    edge.send(GOODBYE);

    assertThat(List.of(next(), next(), next())).containsExactly(keepalive, updateText, GOODBYE);
    assertThat(cloudcore.upgrades().poll(10, TimeUnit.SECONDS).header("node_id"))
        .isEqualTo("edge-1");
  }

  @Test
  void messagesSentWhileTheUpstreamIsDialed_arriveInOrderOnceItIsUp() throws Exception {
    startGateway(upstream);
    cloudcore.holdUpgrades();
    Edge edge =
        Edge.connect(
            f, f.enroll("edge-1"), "edge-1", "node_id", "project_id", "ConnectionUse", "msg");
    await().until(() -> cloudcore.heldUpgrades() == 1);

    edge.send("{\"n\":1}\n");
    edge.send("{\"n\":2}\n");
    edge.send("{\"n\":3}\n");
    cloudcore.releaseUpgrades();

    assertThat(List.of(next(), next(), next()))
        .containsExactly("{\"n\":1}\n", "{\"n\":2}\n", "{\"n\":3}\n");
  }

  @Test
  void edgeGone_closesTheUpstreamLeg() throws Exception {
    startGateway(upstream);
    Edge edge = edge("edge-1");

    edge.ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);

    assertThat(cloudcore.closed().poll(10, TimeUnit.SECONDS)).isEqualTo("edge-1");
    await().until(() -> f.hub.sessions().isEmpty());
  }

  @Test
  void upstreamGone_closesEdgeSessionWith1001() throws Exception {
    startGateway(upstream);
    Edge edge = edge("edge-1");

    cloudcore.dropTcp("edge-1");

    Close close = edge.closes.poll(10, TimeUnit.SECONDS);
    assertThat(close.code()).isEqualTo(1001);
    assertThat(close.reason()).contains("upstream");
    await().until(() -> f.hub.sessions().isEmpty());
  }

  @Test
  void block_closesBothLegs() throws Exception {
    startGateway(upstream);
    Edge edge = edge("edge-1");
    Edge other = edge("edge-2");

    f.hub.nodeAccess().block(NodeName.of("edge-1"), "operator-test");

    assertThat(edge.closes.poll(10, TimeUnit.SECONDS).code()).isEqualTo(1008);
    assertThat(cloudcore.closed().poll(10, TimeUnit.SECONDS)).isEqualTo("edge-1");
    assertThat(cloudcore.connected("edge-2")).as("other nodes are not touched").isTrue();
    assertThat(other.closes).isEmpty();
  }

  @Test
  void certificateExpiry_closesBothLegs_withTheExpiryNotice() throws Exception {
    startGateway(upstream);
    Edge other = edge("edge-2");
    // Signed once the client side is warm: the handshake must come well within its lifetime.
    java.security.KeyPair keys = dev.edgetrust.x509.Keys.newP256();
    java.security.cert.X509Certificate shortLived =
        f.ca
            .sign(
                dev.edgetrust.pki.SigningRequest.forNode(
                    NodeName.of("edge-1"),
                    dev.edgetrust.x509.Csr.create(
                        keys, new javax.security.auth.x500.X500Principal("CN=kubeedge.io")),
                    Duration.ofSeconds(5)))
            .certificate();
    Edge edge =
        Edge.connect(
            f,
            new HeldCertificate(keys.getPrivate(), List.of(shortLived, f.ca.caCertificate())),
            "edge-1",
            "node_id",
            "project_id",
            "ConnectionUse",
            "msg");
    await().until(() -> cloudcore.connected("edge-1"));

    Close close = edge.closes.poll(30, TimeUnit.SECONDS);

    assertThat(close.code()).isEqualTo(1008);
    assertThat(close.reason()).startsWith(RevocationNotice.EXPIRED_PREFIX);
    assertThat(cloudcore.closed().poll(10, TimeUnit.SECONDS)).isEqualTo("edge-1");
    assertThat(cloudcore.connected("edge-2")).as("other nodes are not touched").isTrue();
    assertThat(other.closes).isEmpty();
  }

  @Test
  void slowUpstream_sessionCutAtItsBufferCap() throws Exception {
    startGateway(upstream.withMaxBufferedBytes(UpstreamSettings.MAX_MESSAGE_BYTES));
    cloudcore.holdUpgrades();
    Edge edge =
        Edge.connect(
            f, f.enroll("edge-1"), "edge-1", "node_id", "project_id", "ConnectionUse", "msg");
    await().until(() -> cloudcore.heldUpgrades() == 1);
    String oneMiB = "{\"pad\":\"" + "x".repeat((1 << 20) - 10) + "\"}";

    // The upstream takes nothing: the fifth MiB is past the 4 MiB cap.
    for (int i = 0; i < 5 && edge.closes.isEmpty(); i++) {
      try {
        edge.ws.sendText(oneMiB, true).get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException closedMeanwhile) {
        break;
      }
    }

    Close close = edge.closes.poll(10, TimeUnit.SECONDS);
    assertThat(close.code()).isEqualTo(1011);
    assertThat(close.reason()).contains("upstream too slow");
    await().until(() -> f.hub.sessions().isEmpty());
  }

  @Test
  void upstreamNotReading_pausesTheEdge_thenCutsTheSessionWith1011() throws Exception {
    // 10 s: the edge is paused long before cloudcore's leg counts as dead (three intervals with no
    // pong).
    f =
        HubFixture.start(
            dir.resolve("hub"),
            s ->
                s.toBuilder()
                    .upstream(upstream)
                    .keepaliveInterval(Duration.ofSeconds(10))
                    .metrics(MetricsSettings.on("127.0.0.1", 0))
                    .build());
    Edge edge = edge("edge-1");
    cloudcore.stopReading("edge-1");
    String oneMiB = "{\"pad\":\"" + "x".repeat((1 << 20) - 10) + "\"}";

    // Sends until the gateway stops taking them (the upstream is full, so the edge is paused) or
    // closes.
    Thread sender =
        new Thread(
            () -> {
              try {
                while (edge.closes.isEmpty()) {
                  edge.ws.sendText(oneMiB, true).get(60, TimeUnit.SECONDS);
                }
              } catch (Exception closedOrStuck) {
                // The session ended under it.
              }
            });
    sender.setDaemon(true);
    sender.start();

    Close close = edge.closes.poll(60, TimeUnit.SECONDS);
    assertThat(close).isNotNull();
    // The edge was still sending what the gateway had stopped reading: its side may see the close
    // frame, or a reset if unread bytes were still arriving when the connection closed.
    assertThat(close)
        .isIn(new Close(1011, "upstream too slow; reconnect"), new Close(-1, close.reason()));
    await().until(() -> f.hub.sessions().isEmpty());
    assertThat(metrics())
        .contains(
            "edgetrust_cloudhub_upstream_sessions_ended_total{reason=\"upstream_too_slow\"} 1.0");
    cloudcore.resumeReading("edge-1");
    assertThat(cloudcore.closed().poll(30, TimeUnit.SECONDS))
        .as("once it reads again, its leg is closed")
        .isEqualTo("edge-1");
  }

  @Test
  void edgeNotReading_isCut_andCloudcoresLegClosedWithIt() throws Exception {
    f =
        HubFixture.start(
            dir.resolve("hub"),
            s ->
                s.toBuilder()
                    .upstream(upstream)
                    .writeTimeout(Duration.ofSeconds(2))
                    .keepaliveInterval(Duration.ofMinutes(5))
                    .build());
    Edge edge = edge("edge-1");
    edge.reading = false;
    String oneMiB = "{\"pad\":\"" + "x".repeat((1 << 20) - 10) + "\"}";

    // cloudcore keeps sending; the edge takes nothing: the gateway must not hold it all.
    for (int i = 0; i < 48 && cloudcore.connected("edge-1"); i++) {
      cloudcore.send("edge-1", oneMiB);
    }

    assertThat(cloudcore.closed().poll(60, TimeUnit.SECONDS)).isEqualTo("edge-1");
    await().until(() -> f.hub.sessions().isEmpty());
  }

  @Test
  void upstreamUnreachable_edgeClosedWithAReason_andTheCloudHubKeepsRunning() throws Exception {
    int nothingListens;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      nothingListens = s.getLocalPort();
    }
    f =
        HubFixture.start(
            dir.resolve("hub"),
            s ->
                s.toBuilder()
                    .upstream(
                        UpstreamSettings.of(
                            new UpstreamServer("127.0.0.1", nothingListens),
                            upstream.caFile(),
                            upstream.certFile(),
                            upstream.keyFile()))
                    .metrics(MetricsSettings.on("127.0.0.1", 0))
                    .build());

    Edge first =
        Edge.connect(
            f, f.enroll("edge-1"), "edge-1", "node_id", "project_id", "ConnectionUse", "msg");
    Close close = first.closes.poll(10, TimeUnit.SECONDS);
    assertThat(close.code()).isEqualTo(1013);
    assertThat(close.reason())
        .contains("upstream unreachable")
        .doesNotContain(String.valueOf(nothingListens));

    // Still serving: a node can still enroll and connect (and is told the same, without a dial).
    Edge second =
        Edge.connect(
            f, f.enroll("edge-2"), "edge-2", "node_id", "project_id", "ConnectionUse", "msg");
    assertThat(second.closes.poll(10, TimeUnit.SECONDS).code()).isEqualTo(1013);
    assertThat(f.hub.websocketAddress()).isPresent();
    String metrics = metrics();
    assertThat(metrics)
        .containsPattern(
            "edgetrust_cloudhub_upstream_sessions_ended_total\\{reason=\"upstream_(unreachable|backing_off)\"} [12]");
    assertThat(metrics).contains("edgetrust_cloudhub_upstream_sessions_opened_total 0");
  }

  @Test
  void gatewayKeyReadableByOthers_refusesToStartInOneLineNamingTheFile() throws Exception {
    java.nio.file.Files.setPosixFilePermissions(
        upstream.keyFile(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> startGateway(upstream))
        .isInstanceOf(CloudHubException.class)
        .hasMessage(
            "modules.cloudHub.upstream: "
                + upstream.keyFile().toAbsolutePath()
                + " is readable by group/others (mode 0644); run: chmod 600 "
                + upstream.keyFile().toAbsolutePath());
  }

  @Test
  void reconnectingNode_getsOneNewUpstreamSession_afterTheOldOneClosed() throws Exception {
    startGateway(upstream);
    HeldCertificate cert = f.enroll("edge-1");
    Edge first = Edge.connect(f, cert, "edge-1", "node_id", "project_id", "ConnectionUse", "msg");
    await().until(() -> cloudcore.connected("edge-1"));
    cloudcore.upgrades().clear();

    Edge second = Edge.connect(f, cert, "edge-1", "node_id", "project_id", "ConnectionUse", "msg");

    // A replaced session is told "going away" (1001), as on shutdown: the node comes straight back.
    assertThat(first.closes.poll(10, TimeUnit.SECONDS).code()).isEqualTo(1001);
    assertThat(cloudcore.closed().poll(10, TimeUnit.SECONDS))
        .as("the old upstream leg")
        .isEqualTo("edge-1");
    assertThat(cloudcore.upgrades().poll(10, TimeUnit.SECONDS))
        .as("the new upstream leg")
        .isNotNull();
    await().until(() -> cloudcore.connected("edge-1"));
    second.send("{\"after\":true}\n");
    assertThat(next()).isEqualTo("{\"after\":true}\n");
    assertThat(cloudcore.upgrades()).isEmpty();
  }

  private String metrics() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + f.hub.metricsAddress().orElseThrow().getPort()
                            + "/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private String next() throws InterruptedException {
    CloudcoreStandIn.Received r = cloudcore.received().poll(10, TimeUnit.SECONDS);
    return r == null ? null : r.text();
  }

  private static int refusalStatus(Throwable t) {
    Throwable c = t;
    while (c != null && !(c instanceof WebSocketHandshakeException)) {
      c = c.getCause();
    }
    return c == null ? -1 : ((WebSocketHandshakeException) c).getResponse().statusCode();
  }

  record Close(int code, String reason) {}

  /** An edge client that keeps frames as text, exactly as they arrive, and how it was closed. */
  static final class Edge implements WebSocket.Listener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<Close> closes = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    /**
     * false: an edge that takes no more frames after the one it has (the JDK client then stops
     * reading the socket).
     */
    volatile boolean reading = true;

    WebSocket ws;

    static Edge connect(
        HubFixture f,
        HeldCertificate cert,
        String nodeId,
        String nodeHeader,
        String projectHeader,
        String useHeader,
        String use)
        throws Exception {
      Edge edge = new Edge();
      int port = f.hub.websocketAddress().orElseThrow().getPort();
      edge.ws =
          HttpClient.newBuilder()
              .sslContext(f.tls(cert))
              .build()
              .newWebSocketBuilder()
              .header(nodeHeader, nodeId)
              .header(projectHeader, PROJECT)
              .header(useHeader, use)
              .buildAsync(
                  URI.create("wss://127.0.0.1:" + port + "/" + PROJECT + "/" + nodeId + "/events"),
                  edge)
              .get(10, TimeUnit.SECONDS);
      return edge;
    }

    void send(String text) throws Exception {
      ws.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        partial.setLength(0);
      }
      if (reading) {
        webSocket.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closes.add(new Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closes.add(new Close(-1, String.valueOf(error)));
    }
  }
}
