package dev.edgetrust.edgehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.edgehub.config.WebSocketSettings;
import dev.edgetrust.edgehub.enrollment.PkiIssuer;
import dev.edgetrust.edgehub.testing.TestBootstrapServer;
import dev.edgetrust.edgehub.testing.TestCa;
import dev.edgetrust.edgehub.testing.TestCloudHub;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeIssuance;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.revocation.RevocationNotice;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The edge while its PKI is away, slow or says the certificate is revoked: retries held to the
 * certificate's end, one escalation instead of a line per attempt, and a revoked certificate
 * replaced at once. Real TLS on loopback; short certificates so each test takes seconds.
 */
class PkiOutageTest {
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.dGVzdC1zaWduYXR1cmU";
  private static final NodeName NODE = NodeName.of("node-a");
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration TWO_MINUTES = Duration.ofMinutes(2);
  private static final Pattern RETRY_AT = Pattern.compile("retrying in \\S+ \\(at (\\S+?)[,)]");

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

  private List<ILoggingEvent> events(Level level, String containing) {
    return captured.list.stream()
        .filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(containing))
        .toList();
  }

  /** A certificate for this node from the test CA, written where the settings say. */
  private HeldCertificate onDisk(EdgeHubSettings settings, Instant notBefore, Duration lifetime)
      throws Exception {
    KeyPair key = Keys.newP256();
    HeldCertificate held =
        new HeldCertificate(
            key.getPrivate(),
            List.of(ca.issueClient(NODE.subject(), key.getPublic(), notBefore, lifetime)));
    dev.edgetrust.credential.KeyCertificateFiles.writeCertificates(
        settings.caFile(), List.of(ca.certificate()));
    settings.credentialFiles().write(held);
    return held;
  }

  private EdgeHubSettings settings(TestCloudHub hub, URI bootstrap) {
    ServerAddress cloud = new ServerAddress("127.0.0.1", hub.port());
    return EdgeHubSettings.builder(NODE, cloud, bootstrap, dir)
        .heartbeat(Duration.ofSeconds(1))
        .websocket(WebSocketSettings.builder().server(cloud).readDeadline(Duration.ofSeconds(1)))
        .build();
  }

  @Test
  void pkiAwayThenSlow_aTwoMinuteCertificateWithThirtySecondsLeft_isRenewedBeforeItExpires()
      throws Exception {
    TestCloudHub hub = closing(new TestCloudHub(ca.issueServer("127.0.0.1"), ca.certificate()));
    TestBootstrapServer bootstrap = closing(new TestBootstrapServer(ca, JWT, "127.0.0.1"));
    bootstrap.lifetime(TWO_MINUTES);
    EdgeHubSettings settings = settings(hub, bootstrap.url());
    HeldCertificate old =
        onDisk(settings, Instant.now().minus(TWO_MINUTES).plusSeconds(30), TWO_MINUTES);
    // Away (Vault sealed behind the CloudHub), and, once back, slow.
    bootstrap.refuse(503, "Vault is sealed");
    bootstrap.answerAfter(Duration.ofMillis(1_500));
    EdgeHub edge = closing(EdgeHub.builder(settings).build());

    edge.start();
    await().atMost(PATIENCE).until(() -> bootstrap.requests().size() >= 2);
    bootstrap.serve();
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                edge.status()
                    .certificateSerial()
                    .filter(s -> !s.equals(old.serialHex()))
                    .isPresent());

    String renewed = edge.status().certificateSerial().orElseThrow();
    ILoggingEvent adopted =
        events(Level.INFO, "certificate serial " + renewed + " valid until").get(0);
    assertThat(Instant.ofEpochMilli(adopted.getTimeStamp()))
        .as("renewed while the old certificate was still valid")
        .isBefore(old.notAfter());
    List<Instant> promised = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      Matcher m = RETRY_AT.matcher(e.getFormattedMessage());
      if (m.find()) {
        promised.add(Instant.parse(m.group(1)));
      }
    }
    assertThat(promised)
        .as("the refused tries each planned a retry")
        .hasSizeGreaterThanOrEqualTo(2);
    assertThat(promised).allSatisfy(at -> assertThat(at).isBefore(old.notAfter()));
  }

  @Test
  void failingForLongerThanTheThreshold_logsOneErrorThenSummaries_notAWarnPerAttempt()
      throws Exception {
    TestCloudHub hub = closing(new TestCloudHub(ca.issueServer("127.0.0.1"), ca.certificate()));
    TestBootstrapServer bootstrap = closing(new TestBootstrapServer(ca, JWT, "127.0.0.1"));
    EdgeHubSettings settings =
        settings(hub, bootstrap.url()).toBuilder()
            .escalateAfter(Duration.ofSeconds(2))
            .metricsPort(OptionalInt.of(0))
            .build();
    // Eight seconds left: the retries close in on the end, so the streak is long within seconds.
    onDisk(settings, Instant.now().minus(TWO_MINUTES).plusSeconds(8), TWO_MINUTES);
    bootstrap.refuse(503, "Vault is sealed");
    EdgeHub edge = closing(EdgeHub.builder(settings).build());

    edge.start();
    await()
        .atMost(PATIENCE)
        .until(() -> !events(Level.WARN, "still cannot renew its certificate").isEmpty());

    assertThat(events(Level.ERROR, "has failed to renew its certificate for"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .matches(
                        "node node-a has failed to renew its certificate for \\d+(\\.\\d+)?s"
                            + " \\(\\d+ attempts\\); last cause: GET \\S+ answered 503: Vault is"
                            + " sealed; retrying in .*"));
    assertThat(events(Level.WARN, "certificate renewal failed")).hasSize(1);
    assertThat(bootstrap.requests()).hasSizeGreaterThanOrEqualTo(4);
    int port = edge.metricsAddress().orElseThrow().getPort();
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(seriesValue(metrics, "edgetrust_edgehub_credentials_seconds_since_last_success"))
        .isGreaterThanOrEqualTo(2.0);
  }

  private static double seriesValue(String exposition, String series) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError(series + " is missing from:\n" + exposition);
  }

  /** A PKI signing with the test CA; {@code refusal} makes it refuse as a blocked node's would. */
  private final class TestPki implements PkiProvider {
    final List<SigningRequest> requests = new CopyOnWriteArrayList<>();
    volatile PkiException refusal;

    @Override
    public String name() {
      return "test";
    }

    @Override
    public IssuedCertificate sign(SigningRequest request) throws PkiException {
      requests.add(request);
      if (refusal != null) {
        throw refusal;
      }
      X509Certificate cert =
          ca.issueClient(
              request.subject(),
              request.csr().publicKey(),
              Instant.now().minusSeconds(1),
              request.ttl());
      return new IssuedCertificate(cert, List.of(ca.certificate()));
    }

    @Override
    public List<X509Certificate> trustAnchors() {
      return List.of(ca.certificate());
    }
  }

  private EdgeHub pkiEdge(TestCloudHub hub, TestPki pki) throws Exception {
    EdgeHubSettings settings = settings(hub, URI.create("https://127.0.0.1:1"));
    NodeIssuance issuance =
        NodeIssuance.builder(pki, Duration.ofHours(1))
            .mayRecover(true)
            .refusalRetry(Duration.ofMinutes(1))
            .build();
    PkiIssuer issuer =
        new PkiIssuer(
            NODE, issuance, settings.caFile(), settings.credentialFiles(), Clock.systemUTC());
    onDisk(settings, Instant.now().minusSeconds(5), Duration.ofHours(1));
    return closing(EdgeHub.builder(settings).issuer(issuer).build());
  }

  @Test
  void revocationNotice_withAPkiIssuer_getsANewCertificateAtOnce_andConnectsWithIt()
      throws Exception {
    TestCloudHub hub = closing(new TestCloudHub(ca.issueServer("127.0.0.1"), ca.certificate()));
    TestPki pki = new TestPki();
    EdgeHub edge = pkiEdge(hub, pki);
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    String revoked = edge.status().certificateSerial().orElseThrow();
    assertThat(pki.requests).as("the certificate on disk is hours from its renewal").isEmpty();

    hub.closeLatest(RevocationNotice.CLOSE_CODE, RevocationNotice.REVOKED.reason(revoked));

    java.math.BigInteger revokedSerial =
        hub.upgrades().get(0).clientCertificate().getSerialNumber();
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                hub.upgrades().stream()
                    .anyMatch(u -> !u.clientCertificate().getSerialNumber().equals(revokedSerial)));
    assertThat(pki.requests).hasSize(1);
    assertThat(edge.status().certificateSerial()).isPresent().get().isNotEqualTo(revoked);
  }

  @Test
  void revocationNotice_whileThePkiRefusesTheNode_retriesAtTheIssuersSlowPace_notAtOnce()
      throws Exception {
    TestCloudHub hub = closing(new TestCloudHub(ca.issueServer("127.0.0.1"), ca.certificate()));
    TestPki pki = new TestPki();
    EdgeHub edge = pkiEdge(hub, pki);
    edge.start();
    await().atMost(PATIENCE).until(() -> edge.status().state() == ConnectionState.CONNECTED);
    String revoked = edge.status().certificateSerial().orElseThrow();
    pki.refusal = PkiException.refused("Vault answered 400: unknown role node-a (node blocked)");

    hub.closeLatest(RevocationNotice.CLOSE_CODE, RevocationNotice.BLOCKED.reason("node-a"));

    await().atMost(PATIENCE).until(() -> !events(Level.ERROR, "cannot enroll anew yet").isEmpty());
    assertThat(events(Level.ERROR, "cannot enroll anew yet"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains("unknown role")
                    .contains("retrying in 1m (at "));
    assertThat(pki.requests).hasSize(1);
    assertThat(edge.status().state()).isEqualTo(ConnectionState.ENROLLING);
    assertThat(revoked).isNotEmpty();
  }
}
