package dev.edgetrust.cloudhub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.edgetrust.cloudhub.bootstrap.BootstrapHandler;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A node asking {@code /edge.crt} for a server certificate, as cloudcore would grant it: with
 * {@code ExtKeyUsages: ["server auth"]} or Go's {@code [1]}, at enrollment and on a token-free
 * renewal. It gets a client certificate, and nothing an edge or the admin CLI would take for a
 * server's.
 */
class NodeCertificateUsageTest {
  @TempDir Path dir;
  HubFixture f;

  @BeforeEach
  void start() throws Exception {
    f = HubFixture.start(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static byte[] csr() {
    return Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge")).der();
  }

  private static void assertClientAuthOnly(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.statusCode()).as(new String(response.body(), UTF_8)).isEqualTo(200);
    X509Certificate cert = Certificates.parseDer(response.body());
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CertificateUsage.CLIENT_AUTH.oid());
    assertThat(cert.getSubjectAlternativeNames()).isNull();
    assertThat(CertificateUsage.permitsServerAuth(cert)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[\"server auth\"]",
        "[1]",
        "[1,2]",
        "[\"client auth\",\"server auth\"]",
        "[\"ServerAuth\"]"
      })
  void enrollmentAskingServerAuth_getsClientAuthOnly(String header) throws Exception {
    HttpResponse<byte[]> response =
        f.edgeCrt(
            Optional.empty(),
            Map.of(
                "NodeName", "edge-1", "Authorization", "Bearer " + f.jwt(), "ExtKeyUsages", header),
            csr());

    assertClientAuthOnly(response);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[\"server auth\"]", "[1]"})
  void renewalAskingServerAuth_getsClientAuthOnly_andOneLineSaysWhatWasAsked(String header)
      throws Exception {
    HeldCertificate current = f.enroll("edge-1");
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger handler = (Logger) LoggerFactory.getLogger(BootstrapHandler.class);
    handler.addAppender(log);
    try {
      HttpResponse<byte[]> response =
          f.edgeCrt(
              Optional.of(current), Map.of("NodeName", "edge-1", "ExtKeyUsages", header), csr());

      assertClientAuthOnly(response);
      assertThat(log.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .filteredOn(m -> m.contains("ExtKeyUsages"))
          .containsExactly(
              "node edge-1 asked for usages [server auth] in ExtKeyUsages; node certificates are client"
                  + " certificates only: issuing client auth");
    } finally {
      handler.detachAppender(log);
    }
  }

  @Test
  void noHeader_likeAStockEdgecore_getsClientAuth() throws Exception {
    HttpResponse<byte[]> response =
        f.edgeCrt(
            Optional.empty(),
            Map.of("NodeName", "edge-1", "Authorization", "Bearer " + f.jwt()),
            csr());

    assertClientAuthOnly(response);
  }
}
