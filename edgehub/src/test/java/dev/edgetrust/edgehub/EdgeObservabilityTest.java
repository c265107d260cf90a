package dev.edgetrust.edgehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.edgehub.config.WebSocketSettings;
import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import dev.edgetrust.edgehub.testing.TestBootstrapServer;
import dev.edgetrust.edgehub.testing.TestCa;
import dev.edgetrust.edgehub.testing.TestCloudHub;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the edge tells about its certificate: the expiry line in its log, and its local /metrics.
 */
class EdgeObservabilityTest {
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.dGVzdC1zaWduYXR1cmU";
  private static final NodeName NODE = NodeName.of("node-a");
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private final TestCa ca = new TestCa("test-ca");
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Logger edgeLog = (Logger) LoggerFactory.getLogger(EdgeHub.class);

  @BeforeEach
  void captureEdgeHubLog() {
    captured.start();
    edgeLog.addAppender(captured);
  }

  @AfterEach
  void closeAll() throws Exception {
    edgeLog.detachAppender(captured);
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    resources.add(resource);
    return resource;
  }

  private EdgeHubSettings enrollingSettings() throws Exception {
    TestCloudHub hub = closing(new TestCloudHub(ca.issueServer("127.0.0.1"), ca.certificate()));
    TestBootstrapServer bootstrap = closing(new TestBootstrapServer(ca, JWT, "127.0.0.1"));
    ServerAddress cloud = new ServerAddress("127.0.0.1", hub.port());
    return EdgeHubSettings.builder(NODE, cloud, bootstrap.url(), dir)
        .heartbeat(Duration.ofSeconds(1))
        .websocket(WebSocketSettings.builder().server(cloud).readDeadline(Duration.ofSeconds(1)))
        .token(JoinToken.parse(bootstrap.token()))
        .build();
  }

  private static String scrape(EdgeHub edge) throws Exception {
    int port = edge.metricsAddress().orElseThrow().getPort();
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    return response.body();
  }

  private static double value(String exposition, String series) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  private List<String> lines(Level level, String containing) {
    return captured.list.stream()
        .filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(containing))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void metrics_showExpiryAndConnection_andMoveOnAfterARenewal() throws Exception {
    EdgeHub edge =
        closing(
            EdgeHub.builder(enrollingSettings().toBuilder().metricsPort(OptionalInt.of(0)).build())
                .build());
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    Instant firstNotAfter = edge.status().certificateNotAfter().orElseThrow();

    await().atMost(PATIENCE).until(() -> value(scrape(edge), "edgetrust_edgehub_connected") == 1);
    String before = scrape(edge);
    assertThat(value(before, "edgetrust_edgehub_certificate_expiry_timestamp_seconds"))
        .isEqualTo(firstNotAfter.toEpochMilli() / 1000.0, Assertions.within(0.001));
    assertThat(value(before, "edgetrust_edgehub_certificate_next_renewal_timestamp_seconds"))
        .isLessThan(firstNotAfter.getEpochSecond());
    assertThat(value(before, "edgetrust_edgehub_certificate_last_renewal_timestamp_seconds"))
        .as("none yet")
        .isNaN();
    assertThat(value(before, "edgetrust_edgehub_certificate_renewal_failures_total")).isEqualTo(0);

    Instant asked = Instant.now();
    NodeCredentials renewed = edge.renewNow().get(30, TimeUnit.SECONDS);

    String after = scrape(edge);
    assertThat(value(after, "edgetrust_edgehub_certificate_expiry_timestamp_seconds"))
        .isEqualTo(renewed.held().notAfter().toEpochMilli() / 1000.0, Assertions.within(0.001));
    assertThat(value(after, "edgetrust_edgehub_certificate_last_renewal_timestamp_seconds"))
        .isGreaterThanOrEqualTo(asked.toEpochMilli() / 1000.0 - 1);
    assertThat(after).doesNotContain("PRIVATE").doesNotContain(JWT).doesNotContain("{");
  }

  @Test
  void disabledMetrics_openNoPort() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    EdgeHub edge = closing(EdgeHub.builder(enrollingSettings()).build());
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);

    assertThat(edge.metricsAddress()).isEmpty();
    Assertions.assertThatThrownBy(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void metricsPortInUse_failsTheStartInOneLineNamingTheSection() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      EdgeHub edge =
          closing(
              EdgeHub.builder(
                      enrollingSettings().toBuilder()
                          .metricsPort(OptionalInt.of(taken.getLocalPort()))
                          .build())
                  .build());
      Assertions.assertThatThrownBy(edge::start)
          .isInstanceOf(EdgeHubException.class)
          .hasMessageContaining("modules.edgeHub.metrics")
          .hasMessageContaining("cannot listen for metrics on 127.0.0.1:" + taken.getLocalPort())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void startAndEveryRenewal_logOneLineWithSerialExpiryTimeLeftAndNextRenewal() throws Exception {
    EdgeHub edge = closing(EdgeHub.builder(enrollingSettings()).build());
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    String first = edge.status().certificateSerial().orElseThrow();
    await()
        .atMost(PATIENCE)
        .until(() -> !lines(Level.INFO, "certificate serial " + first + " valid until").isEmpty());
    assertThat(lines(Level.INFO, "certificate serial " + first + " valid until"))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .matches(
                        "node node-a: certificate serial [0-9a-f:]+ valid until \\S+ \\((\\d+[dhms] ?)+ left\\); next renewal at \\S+"));

    NodeCredentials renewed = edge.renewNow().get(30, TimeUnit.SECONDS);

    String second = renewed.held().serialHex();
    await()
        .atMost(PATIENCE)
        .until(() -> !lines(Level.INFO, "certificate serial " + second + " valid until").isEmpty());
    assertThat(lines(Level.INFO, "certificate serial " + second + " valid until").get(0))
        .contains(renewed.held().notAfter().toString())
        .contains("next renewal at");
    assertThat(lines(Level.WARN, "under 10% of its lifetime")).isEmpty();
  }

  @Test
  void certificateInItsLastTenPercent_thatCannotBeRenewed_warnsOnceWithTheLastFailure()
      throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    // No CloudHub, no bootstrap: the renewal can only fail.
    EdgeHubSettings settings =
        EdgeHubSettings.builder(
                NODE,
                new ServerAddress("127.0.0.1", closedPort),
                URI.create("https://127.0.0.1:" + closedPort),
                dir)
            .metricsPort(OptionalInt.of(0))
            .build();
    KeyPair key = Keys.newP256();
    // 96 of its 100 minutes are gone.
    HeldCertificate old =
        new HeldCertificate(
            key.getPrivate(),
            List.of(
                ca.issueClient(
                    NODE.subject(),
                    key.getPublic(),
                    Instant.now().minus(Duration.ofMinutes(96)),
                    Duration.ofMinutes(100))));
    KeyCertificateFiles.writeCertificates(settings.caFile(), List.of(ca.certificate()));
    settings.credentialFiles().write(old);
    EdgeHub edge = closing(EdgeHub.builder(settings).build());

    edge.start();

    await().atMost(PATIENCE).until(() -> !lines(Level.WARN, "under 10% of its lifetime").isEmpty());
    await()
        .atMost(PATIENCE)
        .until(
            () -> value(scrape(edge), "edgetrust_edgehub_certificate_renewal_failures_total") >= 1);
    assertThat(lines(Level.WARN, "under 10% of its lifetime"))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .contains("certificate serial " + old.serialHex())
                    .contains("has not been renewed")
                    .contains("last attempt: "));
    String body = scrape(edge);
    assertThat(value(body, "edgetrust_edgehub_connected")).isEqualTo(0);
    assertThat(value(body, "edgetrust_edgehub_certificate_expiry_timestamp_seconds"))
        .isEqualTo(old.notAfter().toEpochMilli() / 1000.0, Assertions.within(0.001));
  }
}
