package dev.edgetrust.edgehub.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.testing.TestBootstrapServer;
import dev.edgetrust.edgehub.testing.TestCa;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentTest {
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
  private static final NodeName NODE = NodeName.of("node-a");

  @TempDir Path dir;
  private final TestCa ca = new TestCa("test-ca");
  private TestBootstrapServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = new TestBootstrapServer(ca, JWT, "127.0.0.1");
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Path caFile() {
    return dir.resolve("ca/rootCA.crt");
  }

  private KeyCertificateFiles files() {
    return new KeyCertificateFiles(
        dir.resolve("certs/server.key"), dir.resolve("certs/server.crt"));
  }

  private Enrollment enrollment(URI url) {
    return new Enrollment(url, NODE, caFile(), files(), Duration.ofSeconds(10));
  }

  private boolean nothingWritten() throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.noneMatch(Files::isRegularFile);
    }
  }

  @Test
  void enroll_writesCaAndA0600KeyIn0700DirWithItsMatchingCertificate() throws Exception {
    NodeCredentials credentials = enrollment(server.url()).enroll(JoinToken.parse(server.token()));

    assertThat(Files.getPosixFilePermissions(files().keyFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(files().keyFile().getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    HeldCertificate stored = files().read().orElseThrow();
    assertThat(NodeName.fromCertificate(stored.certificate())).isEqualTo(NODE);
    assertThat(stored.certificate()).isEqualTo(credentials.held().certificate());
    assertThat(KeyCertificateFiles.readCertificates(caFile())).containsExactly(ca.certificate());
    stored.certificate().verify(ca.certificate().getPublicKey());

    assertThat(server.requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.nodeNameHeader()).isEqualTo("node-a");
              assertThat(r.authorization()).isEqualTo("Bearer " + JWT);
              assertThat(r.clientCertificate()).isEmpty();
            });
  }

  @Test
  void caHashMismatch_isRefusedNamingBothHashes_andNothingIsWritten() throws Exception {
    TestCa impostor = new TestCa("impostor");
    server.serveCa(impostor.certificate());

    assertThatThrownBy(() -> enrollment(server.url()).enroll(JoinToken.parse(server.token())))
        .isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining(impostor.hash().substring(0, 16))
        .hasMessageContaining(ca.hash().substring(0, 16))
        .hasMessageNotContaining(JWT);
    assertThat(nothingWritten()).isTrue();
    assertThat(server.paths()).containsExactly("/ca.crt");
  }

  @Test
  void unauthorized_surfacesTheServersTextOnOneLine_andNothingIsWritten() throws Exception {
    server.refuse(401, "join token expired at 2024-01-01T00:00:00Z");

    assertThatThrownBy(() -> enrollment(server.url()).enroll(JoinToken.parse(server.token())))
        .isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("401")
        .hasMessageContaining("join token expired at 2024-01-01T00:00:00Z")
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining(JWT);
    assertThat(nothingWritten()).isTrue();
  }

  @Test
  void serverError_isRetryable() throws Exception {
    server.refuse(503, "CA unavailable");

    assertThatThrownBy(() -> enrollment(server.url()).enroll(JoinToken.parse(server.token())))
        .isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageContaining("503");
  }

  @Test
  void rateLimited429_isRetryable_andCarriesTheServersRetryAfter() throws Exception {
    server.refuse(429, "too many requests from this address; retry after 7 s", "7");

    assertThatThrownBy(() -> enrollment(server.url()).enroll(JoinToken.parse(server.token())))
        .isInstanceOfSatisfying(
            EnrollmentException.class,
            e -> {
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.retryAfter()).contains(java.time.Duration.ofSeconds(7));
            })
        .hasMessageContaining("429");
    assertThat(nothingWritten()).isTrue();
  }

  @Test
  void retryAfter_readsSecondsAndHttpDates_andIgnoresNonsense() {
    assertThat(BootstrapReplies.retryAfter("12")).contains(java.time.Duration.ofSeconds(12));
    assertThat(BootstrapReplies.retryAfter("99999999999999999999"))
        .contains(java.time.Duration.ofDays(1));
    assertThat(BootstrapReplies.retryAfter("soon")).isEmpty();
    assertThat(BootstrapReplies.retryAfter("-5")).isEmpty();
    assertThat(BootstrapReplies.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEmpty();
    String inAMinute =
        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
            java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
    assertThat(BootstrapReplies.retryAfter(inAMinute).orElseThrow())
        .isBetween(java.time.Duration.ofSeconds(50), java.time.Duration.ofSeconds(61));
  }

  @Test
  void certificateForAnotherNode_isRefused_andNothingIsWritten() throws Exception {
    server.signAsNode("node-b");

    assertThatThrownBy(() -> enrollment(server.url()).enroll(JoinToken.parse(server.token())))
        .isInstanceOf(EnrollmentException.class)
        .hasMessageContaining("names node 'node-b', not this node 'node-a'");
    assertThat(nothingWritten()).isTrue();
  }

  @Test
  void serverCertificateNotNamingTheAddress_isRefusedForTheCertificateRequest() throws Exception {
    try (TestBootstrapServer wrongName = new TestBootstrapServer(ca, JWT, "127.0.0.2")) {
      assertThatThrownBy(
              () -> enrollment(wrongName.url()).enroll(JoinToken.parse(wrongName.token())))
          .isInstanceOfSatisfying(
              EnrollmentException.class, e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageContaining("TLS")
          .hasMessageContaining("127.0.0.1");
      // The CA download is unverified by design (the hash checks it); the CSR never goes out.
      assertThat(wrongName.paths()).containsExactly("/ca.crt");
    }
    assertThat(nothingWritten()).isTrue();
  }

  @Test
  void unreachableServer_isRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    assertThatThrownBy(
            () ->
                enrollment(URI.create("https://127.0.0.1:" + port))
                    .enroll(JoinToken.parse(server.token())))
        .isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.isRetryable()).isTrue());
  }

  @Test
  void renew_presentsTheCurrentClientCertificate_withoutAuthorization_andStoresANewKey()
      throws Exception {
    Enrollment enrollment = enrollment(server.url());
    NodeCredentials first = enrollment.enroll(JoinToken.parse(server.token()));

    NodeCredentials renewed = enrollment.renew(first);

    assertThat(server.requests()).hasSize(2);
    TestBootstrapServer.Request renewal = server.requests().get(1);
    assertThat(renewal.authorization()).isNull();
    assertThat(renewal.nodeNameHeader()).isEqualTo("node-a");
    assertThat(renewal.clientCertificate()).contains(first.held().certificate());
    HeldCertificate stored = files().read().orElseThrow();
    assertThat(stored.certificate()).isEqualTo(renewed.held().certificate());
    assertThat(stored.certificate().getSerialNumber())
        .isNotEqualTo(first.held().certificate().getSerialNumber());
    assertThat(Certificates.matches(first.held().privateKey(), stored.certificate())).isFalse();
  }

  @Test
  void tlsFailureHint_tellsARefusalByTheCloudHubFromACloudHubCertificateThisNodeRefuses() {
    // The JDK's wording when the peer sent an alert, as the CloudHub does for a revoked or blocked
    // node's certificate, and when this node's own check of the CloudHub's certificate fails.
    assertThat(
            BootstrapReplies.tlsHint(
                new javax.net.ssl.SSLHandshakeException(
                    "Received fatal alert: certificate_unknown")))
        .contains("refused this node's certificate")
        .doesNotContain("httpServer");
    assertThat(
            BootstrapReplies.tlsHint(
                new javax.net.ssl.SSLHandshakeException(
                    "No subject alternative names matching IP address 10.0.0.9 found")))
        .contains("must name the address in 'httpServer'");
  }

  @Test
  void renewalRefused_leavesTheCurrentFilesUntouched() throws Exception {
    Enrollment enrollment = enrollment(server.url());
    NodeCredentials first = enrollment.enroll(JoinToken.parse(server.token()));
    server.refuse(403, "node node-a is blocked");

    assertThatThrownBy(() -> enrollment.renew(first))
        .hasMessageContaining("403")
        .hasMessageContaining("blocked");

    assertThat(files().read().orElseThrow().certificate()).isEqualTo(first.held().certificate());
  }
}
