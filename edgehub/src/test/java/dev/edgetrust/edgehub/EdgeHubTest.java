package dev.edgetrust.edgehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.edgehub.config.WebSocketSettings;
import dev.edgetrust.edgehub.enrollment.RenewalWindow;
import dev.edgetrust.edgehub.testing.TestBootstrapServer;
import dev.edgetrust.edgehub.testing.TestCa;
import dev.edgetrust.edgehub.testing.TestCloudHub;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeHubTest {
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.dGVzdC1zaWduYXR1cmU";
  private static final NodeName NODE = NodeName.of("node-a");
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final TestCa ca = new TestCa("test-ca");
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<EdgeHubStatus> statuses = new CopyOnWriteArrayList<>();
  private final List<Message> received = new CopyOnWriteArrayList<>();

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

  private TestCloudHub cloudHub(String... serverIps) throws Exception {
    return closing(new TestCloudHub(ca.issueServer(serverIps), ca.certificate()));
  }

  private TestBootstrapServer bootstrap() throws Exception {
    return closing(new TestBootstrapServer(ca, JWT, "127.0.0.1"));
  }

  private EdgeHubSettings settings(TestCloudHub hub, TestBootstrapServer bootstrap) {
    ServerAddress cloud = new ServerAddress("127.0.0.1", hub.port());
    return EdgeHubSettings.builder(NODE, cloud, bootstrap.url(), dir)
        .heartbeat(Duration.ofSeconds(1))
        .websocket(WebSocketSettings.builder().server(cloud).readDeadline(Duration.ofSeconds(1)))
        .build();
  }

  private EdgeHub edgeHub(EdgeHubSettings settings, RenewalWindow window) {
    return closing(
        EdgeHub.builder(settings)
            .onMessage(received::add)
            .onStatus(statuses::add)
            .renewalWindow(window)
            .build());
  }

  private EdgeHub edgeHub(EdgeHubSettings settings) {
    return edgeHub(settings, RenewalWindow.DEFAULT);
  }

  /** Writes CA, key and a certificate for {@code node} as an earlier enrollment would have. */
  private HeldCertificate provision(EdgeHubSettings settings, Instant notBefore, Duration lifetime)
      throws Exception {
    KeyPair key = Keys.newP256();
    HeldCertificate held =
        new HeldCertificate(
            key.getPrivate(),
            List.of(ca.issueClient(NODE.subject(), key.getPublic(), notBefore, lifetime)));
    KeyCertificateFiles.writeCertificates(settings.caFile(), List.of(ca.certificate()));
    settings.credentialFiles().write(held);
    return held;
  }

  private static List<Message> messagesOn(TestCloudHub hub) {
    List<Message> out = new ArrayList<>();
    for (TestCloudHub.Frame f : hub.frames()) {
      if (!f.text().startsWith("CLOSE")) {
        out.add(MessageCodec.decode(f.text()));
      }
    }
    return out;
  }

  private static List<String> dataIdsOn(TestCloudHub hub) {
    return messagesOn(hub).stream()
        .filter(m -> !m.isKeepalive() && !m.isEmpty())
        .map(m -> m.header().id())
        .toList();
  }

  private static Message data(int i) {
    return Message.create(
        new Message.Route("edged", "twin", "resource", "update", "node/node-a/" + i),
        TextNode.valueOf("m" + i));
  }

  @Test
  void connect_dialsKubeEdgesUrlAndHeaders_overMutualTls() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    EdgeHubSettings settings = settings(hub, bootstrap());
    HeldCertificate held = provision(settings, Instant.now().minusSeconds(5), Duration.ofHours(1));
    EdgeHub edge = edgeHub(settings);

    edge.start();

    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    assertThat(hub.upgrades())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.path())
                  .isEqualTo("/" + EdgeHubSettings.DEFAULT_PROJECT_ID + "/node-a/events");
              assertThat(u.headers().get("node_id")).isEqualTo("node-a");
              assertThat(u.headers().get("project_id"))
                  .isEqualTo(EdgeHubSettings.DEFAULT_PROJECT_ID);
              // KubeEdge v1.15 viaduct: client/ws.go adds header "ConnectionUse" with
              // api.UseTypeMessage = "msg"; the server reads only for exactly that value.
              assertThat(u.headers().get("ConnectionUse"))
                  .as("cloudcore reads only for exactly msg")
                  .isEqualTo("msg");
              assertThat(u.clientCertificate()).isEqualTo(held.certificate());
            });
    assertThat(edge.status().certificateSerial()).contains(held.serialHex());
    assertThat(edge.status().certificateNotAfter()).contains(held.notAfter());
  }

  @Test
  void keepalives_arriveEveryHeartbeat_asEdgecoreSendsThem() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    EdgeHubSettings settings = settings(hub, bootstrap());
    provision(settings, Instant.now().minusSeconds(5), Duration.ofHours(1));
    edgeHub(settings).start();

    await()
        .atMost(PATIENCE)
        .until(() -> messagesOn(hub).stream().filter(Message::isKeepalive).count() >= 3);
    Message keepalive =
        messagesOn(hub).stream().filter(Message::isKeepalive).findFirst().orElseThrow();
    assertThat(keepalive.route())
        .isEqualTo(new Message.Route("websocket", null, "resource", "keepalive", "node"));
    assertThat(keepalive.content().asText()).isEqualTo("ping");
  }

  @Test
  void queuedMessages_surviveAServerSideDisconnect_andArriveInOrderAfterReconnect()
      throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    EdgeHubSettings settings = settings(hub, bootstrap());
    provision(settings, Instant.now().minusSeconds(5), Duration.ofHours(1));
    EdgeHub edge = edgeHub(settings);
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    // The edge may be back within a few milliseconds (full-jitter backoff can be 0), faster than
    // any poll: watch the transitions instead of sampling the state.
    List<ConnectionState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
    edge.addStatusListener(s -> states.add(s.state()));

    hub.disconnectAll();
    await()
        .atMost(PATIENCE)
        .until(() -> states.stream().anyMatch(st -> st != ConnectionState.CONNECTED));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Message m = data(i);
      assertThat(edge.send(m)).isTrue();
      sent.add(m.header().id());
    }

    await().atMost(PATIENCE).until(() -> dataIdsOn(hub).size() >= sent.size());
    assertThat(hub.upgrades()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(dataIdsOn(hub)).containsExactlyElementsOf(sent);
    assertThat(edge.status().queued()).isZero();
  }

  @Test
  void messagesFromTheCloud_reachTheListener_emptyAndMalformedFramesAreSkipped() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    EdgeHubSettings settings = settings(hub, bootstrap());
    provision(settings, Instant.now().minusSeconds(5), Duration.ofHours(1));
    EdgeHub edge = edgeHub(settings);
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    Message fromCloud = data(1);

    hub.sendToLatest(
        "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}");
    hub.sendToLatest("this is not a message");
    hub.sendToLatest(MessageCodec.encode(fromCloud) + "\n");

    await().atMost(PATIENCE).until(() -> !received.isEmpty());
    assertThat(received).containsExactly(fromCloud);
    assertThat(hub.upgrades()).hasSize(1);
    assertThat(edge.status().state()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void serverCertificateNotNamingTheDialledAddress_isRefused() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.2");
    EdgeHubSettings settings = settings(hub, bootstrap());
    provision(settings, Instant.now().minusSeconds(5), Duration.ofHours(1));
    EdgeHub edge = edgeHub(settings);

    edge.start();

    await()
        .atMost(PATIENCE)
        .until(() -> statuses.stream().anyMatch(s -> s.state() == ConnectionState.DISCONNECTED));
    EdgeHubStatus refused =
        statuses.stream()
            .filter(s -> s.state() == ConnectionState.DISCONNECTED)
            .findFirst()
            .orElseThrow();
    assertThat(refused.detail())
        .hasValueSatisfying(d -> assertThat(d).contains("TLS").contains("127.0.0.1"));
    assertThat(hub.upgrades()).isEmpty();
    assertThat(statuses).noneMatch(s -> s.state() == ConnectionState.CONNECTED);
  }

  @Test
  void close_sendsEdgecoresEmptyMessage_thenACloseFrame() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    EdgeHubSettings settings = settings(hub, bootstrap());
    provision(settings, Instant.now().minusSeconds(5), Duration.ofHours(1));
    EdgeHub edge = edgeHub(settings);
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);

    edge.close();

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                hub.frames().size() >= 2
                    && hub.frames().get(hub.frames().size() - 1).text().startsWith("CLOSE"));
    List<TestCloudHub.Frame> frames = hub.frames();
    assertThat(frames.get(frames.size() - 2).text())
        .as("JSON and a newline, as gorilla's WriteJSON writes it")
        .isEqualTo(
            "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}\n");
    assertThat(frames.get(frames.size() - 1).text()).isEqualTo("CLOSE 1000");
    assertThat(edge.status().state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(edge.send(data(1))).isFalse();
  }

  @Test
  void silentCloudHub_isDetectedAsDead_andTheEdgeReconnects() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    EdgeHubSettings settings = settings(hub, bootstrap());
    provision(settings, Instant.now().minusSeconds(5), Duration.ofHours(1));
    EdgeHub edge = edgeHub(settings);
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);

    hub.fallSilent(true);

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                statuses.stream()
                    .anyMatch(
                        s ->
                            s.state() == ConnectionState.DISCONNECTED
                                && s.detail().orElse("").contains("connection is dead")));
    hub.fallSilent(false);
    await()
        .atMost(PATIENCE)
        .until(
            () -> hub.upgrades().size() >= 2 && edge.status().state() == ConnectionState.CONNECTED);
  }

  @Test
  void firstStart_enrollsWithTheToken_thenConnectsOnTheNewCertificate() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    TestBootstrapServer bootstrap = bootstrap();
    EdgeHubSettings settings =
        settings(hub, bootstrap).toBuilder().token(JoinToken.parse(bootstrap.token())).build();
    EdgeHub edge = edgeHub(settings);

    edge.start();

    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    HeldCertificate stored = settings.credentialFiles().read().orElseThrow();
    assertThat(hub.upgrades())
        .singleElement()
        .satisfies(u -> assertThat(u.clientCertificate()).isEqualTo(stored.certificate()));
    assertThat(Files.exists(settings.caFile())).isTrue();
  }

  @Test
  void noCertificateAndNoToken_startFailsNamingBothKeysAndHowToGetAToken() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    EdgeHub edge = edgeHub(settings(hub, bootstrap()));

    assertThatThrownBy(edge::start)
        .isInstanceOf(EdgeHubException.class)
        .hasMessageContaining("'token'")
        .hasMessageContaining("'tokenFile'")
        .hasMessageContaining("./edgetrust token --config cloudcore.yaml");
    assertThat(edge.status().state()).isEqualTo(ConnectionState.CLOSED);
  }

  @Test
  void tokenDroppedIntoTheTokenFileLater_isPickedUp() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    TestBootstrapServer bootstrap = bootstrap();
    Path tokenFile = dir.resolve("join-token");
    EdgeHub edge = edgeHub(settings(hub, bootstrap).toBuilder().tokenFile(tokenFile).build());

    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.ENROLLING);
    assertThat(edge.status().detail())
        .hasValueSatisfying(d -> assertThat(d).contains("no join token"));

    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        tokenFile, (bootstrap.token() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));

    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> edge.status().state() == ConnectionState.CONNECTED);
  }

  @Test
  void certificateExpiredWhileOffline_isReplacedByEnrollingAgainWithTheToken() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    TestBootstrapServer bootstrap = bootstrap();
    EdgeHubSettings settings =
        settings(hub, bootstrap).toBuilder().token(JoinToken.parse(bootstrap.token())).build();
    HeldCertificate expired =
        provision(settings, Instant.now().minus(Duration.ofDays(2)), Duration.ofDays(1));
    EdgeHub edge = edgeHub(settings);

    edge.start();

    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    HeldCertificate stored = settings.credentialFiles().read().orElseThrow();
    assertThat(stored.serialHex()).isNotEqualTo(expired.serialHex());
    assertThat(bootstrap.requests())
        .singleElement()
        .satisfies(r -> assertThat(r.authorization()).isEqualTo("Bearer " + JWT));
  }

  @Test
  void rotation_renewsWithinTheWindow_reconnectsOnTheNewCertificate_andLosesNoMessage()
      throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    TestBootstrapServer bootstrap = bootstrap();
    bootstrap.lifetime(Duration.ofSeconds(20));
    EdgeHubSettings settings =
        settings(hub, bootstrap).toBuilder().token(JoinToken.parse(bootstrap.token())).build();
    EdgeHub edge = edgeHub(settings, new RenewalWindow(0.1, 0.2));
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    String firstSerial = edge.status().certificateSerial().orElseThrow();

    List<String> sent = new ArrayList<>();
    Instant until = Instant.now().plusSeconds(60);
    while (edge.status().rotations() < 1 && Instant.now().isBefore(until)) {
      Message m = data(sent.size());
      if (edge.send(m)) {
        sent.add(m.header().id());
      }
      Thread.sleep(20);
    }
    for (int i = 0; i < 20; i++) {
      Message m = data(sent.size());
      assertThat(edge.send(m)).isTrue();
      sent.add(m.header().id());
    }

    assertThat(edge.status().rotations()).isGreaterThanOrEqualTo(1);
    await().atMost(PATIENCE).until(() -> hub.upgrades().size() >= 2);
    TestCloudHub.Upgrade second = hub.upgrades().get(1);
    assertThat(second.clientCertificate().getSerialNumber().toString(16))
        .isNotEqualTo(hub.upgrades().get(0).clientCertificate().getSerialNumber().toString(16));
    assertThat(bootstrap.requests().get(1).authorization()).isNull();
    // The old session said goodbye as edgecore does, and only once the new one was up.
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                hub.frames().stream()
                    .anyMatch(
                        f ->
                            f.channel() == hub.upgrades().get(0).channel()
                                && f.text().equals("CLOSE 1000")));
    TestCloudHub.Frame oldClose =
        hub.frames().stream()
            .filter(
                f ->
                    f.channel() == hub.upgrades().get(0).channel() && f.text().equals("CLOSE 1000"))
            .findFirst()
            .orElseThrow();
    assertThat(second.seq()).isLessThan(oldClose.seq());
    await().atMost(PATIENCE).until(() -> dataIdsOn(hub).containsAll(sent));
    assertThat(edge.status().certificateSerial()).isPresent().get().isNotEqualTo(firstSerial);
    assertThat(statuses).noneMatch(s -> s.state() == ConnectionState.DISCONNECTED);
  }

  @Test
  void renewNow_rotatesAtOnce_andTheNextSessionPresentsTheNewCertificate() throws Exception {
    TestCloudHub hub = cloudHub("127.0.0.1");
    TestBootstrapServer bootstrap = bootstrap();
    EdgeHub edge =
        edgeHub(
            settings(hub, bootstrap).toBuilder().token(JoinToken.parse(bootstrap.token())).build());
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);

    var renewed = edge.renewNow().get(30, java.util.concurrent.TimeUnit.SECONDS);

    await().atMost(PATIENCE).until(() -> hub.upgrades().size() >= 2);
    assertThat(hub.upgrades().get(1).clientCertificate()).isEqualTo(renewed.held().certificate());
    assertThat(edge.status().rotations()).isEqualTo(1);
    assertThat(edge.status().certificateSerial()).contains(renewed.held().serialHex());
  }
}
