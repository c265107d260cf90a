package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.MetricsSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.Csr;
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
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The metrics listener of a real CloudHub on loopback: real TLS handshakes and WebSocket sessions,
 * scraped over HTTP as Prometheus would.
 */
class MetricsEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir Path dir;
  HubFixture f;
  CloudHub direct;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
    if (direct != null) {
      direct.close();
    }
  }

  private static CloudHubSettings withMetrics(CloudHubSettings s) {
    return s.toBuilder().metrics(MetricsSettings.on("127.0.0.1", 0)).build();
  }

  private HttpResponse<String> get(CloudHub hub, String path) throws Exception {
    int port = hub.metricsAddress().orElseThrow().getPort();
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = get(f.hub, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return response.body();
  }

  /** The value of one series ({@code name} or {@code name{labels}}), or NaN when it is absent. */
  static double value(String exposition, String series) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  private double scraped(String series) throws Exception {
    return value(scrape(), series);
  }

  private HeldCertificate foreignNodeCertificate(String node) throws Exception {
    BuiltinCa other =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("other/ca.crt"), dir.resolve("other/ca.key")),
            Clock.systemUTC());
    KeyPair keys = Keys.newP256();
    return new HeldCertificate(
        keys.getPrivate(),
        List.of(
            other
                .sign(
                    SigningRequest.forNode(
                        NodeName.of(node),
                        Csr.create(keys, new X500Principal("CN=x")),
                        Set.of(CertificateUsage.CLIENT_AUTH),
                        Duration.ofHours(1)))
                .certificate()));
  }

  @Test
  void connectedNode_showsInSessionsWithItsExpiry_andItsSeriesIsGoneAfterItDisconnects()
      throws Exception {
    f = HubFixture.start(dir, MetricsEndpointTest::withMetrics);
    HeldCertificate cert = f.enroll("edge-1");
    assertThat(scraped("edgetrust_cloudhub_sessions")).isEqualTo(0);

    WebSocket ws =
        f.connect(f.tls(cert), "edge-1", "edge-1", new HubFixture.Client())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> f.hub.session(NodeName.of("edge-1")).isPresent());

    String body = scrape();
    assertThat(value(body, "edgetrust_cloudhub_sessions")).isEqualTo(1);
    assertThat(
            value(
                body,
                "edgetrust_cloudhub_node_certificate_expiry_timestamp_seconds{node=\"edge-1\"}"))
        .isEqualTo(cert.notAfter().getEpochSecond(), Assertions.within(1.0));
    assertThat(
            value(
                body,
                "edgetrust_cloudhub_tls_handshakes_total{listener=\"websocket\",outcome=\"success\"}"))
        .isEqualTo(1);
    assertThat(value(body, "edgetrust_cloudhub_certificates_issued_total{kind=\"enrollment\"}"))
        .isEqualTo(1);
    assertThat(
            value(
                body, "edgetrust_cloudhub_pki_request_duration_seconds_count{operation=\"sign\"}"))
        .as("the enrollment's and the server certificate's signatures")
        .isGreaterThanOrEqualTo(1);
    assertThat(value(body, "edgetrust_cloudhub_server_certificate_expiry_timestamp_seconds"))
        .isEqualTo(
            f.hub.serverCertificate().getNotAfter().toInstant().getEpochSecond(),
            Assertions.within(1.0));

    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> f.hub.sessions().isEmpty());

    String after = scrape();
    assertThat(value(after, "edgetrust_cloudhub_sessions")).isEqualTo(0);
    assertThat(after).doesNotContain("node=\"edge-1\"");
  }

  @Test
  void certificateFromAnotherCa_isCountedAsUntrustedCa() throws Exception {
    f = HubFixture.start(dir, MetricsEndpointTest::withMetrics);

    assertThat(f.tryConnect(foreignNodeCertificate("edge-1"), "edge-1")).isEqualTo("tls");

    // The server sees the handshake fail a moment after the client does (which tries twice).
    await()
        .atMost(WAIT)
        .until(() -> scraped("edgetrust_cloudhub_refusals_total{reason=\"untrusted_ca\"}") >= 1);
    String body = scrape();
    assertThat(
            value(
                body,
                "edgetrust_cloudhub_tls_handshakes_total{listener=\"websocket\",outcome=\"refused\"}"))
        .isEqualTo(value(body, "edgetrust_cloudhub_refusals_total{reason=\"untrusted_ca\"}"));
    assertThat(value(body, "edgetrust_cloudhub_refusals_total{reason=\"revoked\"}")).isEqualTo(0);
    assertThat(value(body, "edgetrust_cloudhub_sessions")).isEqualTo(0);
  }

  @Test
  void expiredCertificateAndWrongKeyUsage_areCountedUnderTheirOwnReasons() throws Exception {
    f = HubFixture.start(dir, MetricsEndpointTest::withMetrics);
    BuiltinCa past =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("ca/rootCA.crt"), dir.resolve("ca/rootCA.key")),
            Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC));
    KeyPair keys = Keys.newP256();
    HeldCertificate expired =
        new HeldCertificate(
            keys.getPrivate(),
            List.of(
                past.sign(
                        SigningRequest.forNode(
                            NodeName.of("edge-1"),
                            Csr.create(keys, new X500Principal("CN=x")),
                            Set.of(CertificateUsage.CLIENT_AUTH),
                            Duration.ofHours(1)))
                    .certificate()));
    HeldCertificate serverOnly =
        ForgedCertificates.signedByCa(
            f,
            NodeName.of("edge-2").subject(),
            List.of(CertificateUsage.SERVER_AUTH.oid()),
            List.of());

    assertThat(f.tryConnect(expired, "edge-1")).isEqualTo("tls");
    assertThat(f.tryConnect(serverOnly, "edge-2")).isEqualTo("tls");

    await()
        .atMost(WAIT)
        .until(
            () ->
                scraped("edgetrust_cloudhub_refusals_total{reason=\"certificate_expired\"}") >= 1
                    && scraped("edgetrust_cloudhub_refusals_total{reason=\"wrong_key_usage\"}")
                        >= 1);
    assertThat(scraped("edgetrust_cloudhub_refusals_total{reason=\"untrusted_ca\"}")).isEqualTo(0);
  }

  @Test
  void blockedAndRevokedNodes_areCountedUnderTheirOwnReasons() throws Exception {
    f = HubFixture.start(dir, MetricsEndpointTest::withMetrics);
    HeldCertificate blocked = f.enroll("edge-1");
    f.connected(blocked, "edge-1");
    f.hub.nodeAccess().block(NodeName.of("edge-1"), "test");
    await().atMost(WAIT).until(() -> f.hub.sessions().isEmpty());

    assertThat(f.tryConnect(blocked, "edge-1")).isEqualTo("tls");
    await()
        .atMost(WAIT)
        .until(() -> scraped("edgetrust_cloudhub_refusals_total{reason=\"blocked\"}") >= 1);

    HeldCertificate revoked = f.enroll("edge-2");
    f.ca.revoke(revoked.certificate().getSerialNumber());
    assertThat(f.hub.nodeAccess().refresh()).isTrue();
    assertThat(f.tryConnect(revoked, "edge-2")).isEqualTo("tls");
    await()
        .atMost(WAIT)
        .until(() -> scraped("edgetrust_cloudhub_refusals_total{reason=\"revoked\"}") >= 1);

    String body = scrape();
    assertThat(value(body, "edgetrust_cloudhub_refusals_total{reason=\"untrusted_ca\"}"))
        .isEqualTo(0);
    assertThat(
            value(
                body,
                "edgetrust_cloudhub_pki_request_duration_seconds_count{operation=\"block_node\"}"))
        .isEqualTo(1);
    assertThat(value(body, "edgetrust_cloudhub_revocation_refreshes_total{outcome=\"success\"}"))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void upgradeAndBootstrapRefusals_areCountedByReason() throws Exception {
    f = HubFixture.start(dir, MetricsEndpointTest::withMetrics);
    HeldCertificate cert = f.enroll("edge-1");

    assertThat(
            f.connect(f.tls(cert), "edge-2", "edge-1", new HubFixture.Client())
                .handle((ws, e) -> e)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
        .as("node_id of another node")
        .isNotNull();
    HttpResponse<byte[]> badToken =
        f.edgeCrt(
            Optional.empty(),
            Map.of("NodeName", "edge-3", "Authorization", "Bearer not-a-token"),
            Csr.create(Keys.newP256(), new X500Principal("CN=x")).der());
    assertThat(badToken.statusCode()).isEqualTo(401);

    String body = scrape();
    assertThat(value(body, "edgetrust_cloudhub_refusals_total{reason=\"node_mismatch\"}"))
        .isEqualTo(1);
    assertThat(value(body, "edgetrust_cloudhub_refusals_total{reason=\"bad_token\"}")).isEqualTo(1);
  }

  @Test
  void readyz_is503WithOneLine_whileTheRevocationListFailsClosed_and200Again_whenItIsBack()
      throws Exception {
    f = HubFixture.start(dir, MetricsEndpointTest::withMetrics, StandInPki::new);
    StandInPki pki = (StandInPki) f.provider;
    // Fresh while the first /readyz is asked, however slow the machine; then a short life.
    pki.listValidity = Duration.ofHours(1);
    assertThat(f.hub.nodeAccess().refresh()).isTrue();
    assertThat(get(f.hub, "/readyz").statusCode()).isEqualTo(200);
    pki.listValidity = Duration.ofSeconds(1);
    assertThat(f.hub.nodeAccess().refresh()).isTrue();

    pki.listFailure = PkiException.unavailable("Vault is sealed", null);
    Instant nextUpdate = pki.lastNextUpdate;
    await().atMost(WAIT).until(() -> Instant.now().isAfter(nextUpdate));
    f.hub.nodeAccess().refresh();

    HttpResponse<String> notReady = get(f.hub, "/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body())
        .startsWith("revocation list unusable: ")
        .contains("Vault is sealed")
        .endsWith("\n");
    assertThat(notReady.body().strip()).doesNotContain("\n");
    assertThat(get(f.hub, "/healthz").statusCode())
        .as("still live: restarting would not help")
        .isEqualTo(200);
    String body = scrape();
    assertThat(value(body, "edgetrust_cloudhub_revocation_failing_closed")).isEqualTo(1);
    assertThat(
            value(
                body,
                "edgetrust_cloudhub_pki_errors_total{kind=\"unavailable\",operation=\"revocation_list\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(body, "edgetrust_cloudhub_revocation_refreshes_total{outcome=\"failure\"}"))
        .isGreaterThanOrEqualTo(1);

    pki.listFailure = null;
    assertThat(f.hub.nodeAccess().refresh()).isTrue();
    assertThat(get(f.hub, "/readyz").statusCode()).isEqualTo(200);
    assertThat(scraped("edgetrust_cloudhub_revocation_failing_closed")).isEqualTo(0);
  }

  @Test
  void readyz_is503_onceTheServerCertificateHasExpired() throws Exception {
    MovableClock clock = new MovableClock();
    CloudHubSettings settings = withMetrics(CloudHubSettings.loopback(dir));
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()), clock);
    direct = CloudHub.start(settings, ca, new CloudHubListener() {}, clock);
    HttpResponse<String> ready = get(direct, "/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    // "ok", then which revocation list is in force (issue 23).
    assertThat(ready.body()).startsWith("ok; revocation list fresh from the PKI").endsWith("\n");

    clock.advance(
        Duration.between(clock.instant(), direct.serverCertificate().getNotAfter().toInstant())
            .plusSeconds(1));

    HttpResponse<String> expired = get(direct, "/readyz");
    assertThat(expired.statusCode()).isEqualTo(503);
    assertThat(expired.body()).startsWith("server certificate expired at ").endsWith("\n");
    assertThat(expired.body().strip()).doesNotContain("\n");
  }

  @Test
  void serverCertificateInItsLastTenth_warnsInTheReadyLine_andOnceExpired_oneErrorNamesTheFile()
      throws Exception {
    MovableClock clock = new MovableClock();
    CloudHubSettings settings =
        withMetrics(CloudHubSettings.loopback(dir)).toBuilder()
            .credentialPollInterval(Duration.ofMillis(50))
            .build();
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()), clock);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger reloader = (Logger) LoggerFactory.getLogger(CredentialReloader.class);
    reloader.addAppender(log);
    try {
      direct = CloudHub.start(settings, ca, new CloudHubListener() {}, clock);
      Instant notBefore = direct.serverCertificate().getNotBefore().toInstant();
      Instant notAfter = direct.serverCertificate().getNotAfter().toInstant();
      Duration lifetime = Duration.between(notBefore, notAfter);
      assertThat(get(direct, "/readyz").body()).doesNotContain("warning");

      clock.advance(Duration.between(clock.instant(), notAfter.minus(lifetime.dividedBy(20))));
      // The revocation list the clock just left behind is renewed, as the refresher would.
      assertThat(direct.nodeAccess().refresh()).isTrue();

      HttpResponse<String> ending = get(direct, "/readyz");
      assertThat(ending.statusCode()).as("still serving").isEqualTo(200);
      assertThat(ending.body())
          .startsWith("ok; ")
          .contains("; warning: server certificate expires at " + notAfter)
          .contains("5 % of its lifetime")
          .endsWith("\n");
      assertThat(ending.body().strip()).doesNotContain("\n");

      clock.advance(lifetime.dividedBy(10));

      await()
          .atMost(WAIT)
          .until(() -> log.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR));
      assertThat(log.list)
          .filteredOn(e -> e.getLevel() == Level.ERROR)
          .singleElement()
          .extracting(ILoggingEvent::getFormattedMessage)
          .asString()
          .contains(settings.serverCertificateFile().toString())
          .contains("expired at " + notAfter)
          .doesNotContain("\n");
      assertThat(get(direct, "/readyz").statusCode()).isEqualTo(503);
      assertThat(
              value(
                  get(direct, "/metrics").body(),
                  "edgetrust_cloudhub_server_certificate_expiry_timestamp_seconds"))
          .isEqualTo((double) notAfter.getEpochSecond());
    } finally {
      reloader.detachAppender(log);
    }
  }

  @Test
  void healthzAndUnknownPaths_answerPlainly() throws Exception {
    f = HubFixture.start(dir, MetricsEndpointTest::withMetrics);
    HttpResponse<String> live = get(f.hub, "/healthz");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("ok\n");
    assertThat(get(f.hub, "/admin").statusCode()).isEqualTo(404);
  }

  @Test
  void disabledMetrics_openNoPort() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(
        file,
        "modules:\n  cloudHub:\n    metrics:\n      enable: false\n      port: " + port + "\n");
    MetricsSettings configured = CloudHubConfig.load(file).metrics();
    f = HubFixture.start(dir, s -> s.toBuilder().metrics(configured).build());

    assertThat(f.hub.metricsAddress()).isEmpty();
    Assertions.assertThatThrownBy(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void metricsPortInUse_failsTheStartInOneLineNamingTheListener() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CloudHubSettings settings =
          CloudHubSettings.loopback(dir).toBuilder()
              .metrics(MetricsSettings.on("127.0.0.1", taken.getLocalPort()))
              .build();
      BuiltinCa ca =
          BuiltinCa.loadOrCreate(
              BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()),
              Clock.systemUTC());
      Assertions.assertThatThrownBy(
              () ->
                  direct =
                      CloudHub.start(settings, ca, new CloudHubListener() {}, Clock.systemUTC()))
          .isInstanceOf(CloudHubException.class)
          .hasMessageContaining("cannot listen for metrics on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void noTokenOrKeyMaterial_evenAppearsInTheMetrics_andEveryLabelValueIsANodeNameOrAFixedWord()
      throws Exception {
    f = HubFixture.start(dir, MetricsEndpointTest::withMetrics);
    String jwt = f.jwt();
    KeyPair keys = Keys.newP256();
    HttpResponse<byte[]> enrolled =
        f.edgeCrt(
            Optional.empty(),
            Map.of("NodeName", "edge-1", "Authorization", "Bearer " + jwt),
            Csr.create(keys, new X500Principal("CN=x")).der());
    assertThat(enrolled.statusCode()).isEqualTo(200);
    HeldCertificate cert =
        new HeldCertificate(
            keys.getPrivate(),
            List.of(
                dev.edgetrust.x509.Certificates.parseDer(enrolled.body()), f.ca.caCertificate()));
    f.edgeCrt(
        Optional.of(cert),
        Map.of("NodeName", "edge-1"),
        Csr.create(Keys.newP256(), new X500Principal("CN=x")).der());
    f.connected(cert, "edge-1");
    f.tryConnect(foreignNodeCertificate("edge-9"), "edge-9");
    f.hub.nodeAccess().block(NodeName.of("edge-1"), "test");

    String body = scrape();
    assertThat(body)
        .doesNotContain(jwt)
        .doesNotContain(jwt.substring(jwt.lastIndexOf('.') + 1))
        .doesNotContain("PRIVATE KEY")
        .doesNotContain("BEGIN");
    String keyBase64 = java.util.Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded());
    assertThat(body).doesNotContain(keyBase64.substring(40, 80));

    Set<String> values = new HashSet<>();
    Matcher m = Pattern.compile("[a-z_]+=\"([^\"]*)\"").matcher(body);
    while (m.find()) {
      values.add(m.group(1));
    }
    assertThat(values).isNotEmpty().allSatisfy(v -> assertThat(v).matches("[a-z0-9_.+-]+|\\+Inf"));
    assertThat(value(body, "edgetrust_cloudhub_certificates_issued_total{kind=\"renewal\"}"))
        .isEqualTo(1);
  }

  /** A clock a test moves forward by hand. */
  static final class MovableClock extends Clock {
    private volatile Instant now = Instant.now();

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
