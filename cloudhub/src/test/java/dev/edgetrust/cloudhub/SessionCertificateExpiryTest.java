package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.revocation.RevocationNotice;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.SerialNumbers;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session ends when its client certificate does: validity is checked at the handshake, and a
 * connected node must not keep its session on an expired certificate.
 */
class SessionCertificateExpiryTest {
  private static final Logger log = LoggerFactory.getLogger(SessionCertificateExpiryTest.class);
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;
  HubFixture f;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  private HeldCertificate certificate(String node, Duration lifetime) throws Exception {
    KeyPair keys = Keys.newP256();
    IssuedCertificate issued =
        f.ca.sign(
            SigningRequest.forNode(
                NodeName.of(node),
                Csr.create(keys, new X500Principal("CN=kubeedge.io")),
                lifetime));
    return new HeldCertificate(
        keys.getPrivate(), List.of(issued.certificate(), f.ca.caCertificate()));
  }

  @Test
  void sessionWhoseCertificateExpires_isClosedAfterItsNotAfter_withANoticeTheNodeCanActOn()
      throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate longLived = certificate("edge-long", Duration.ofHours(1));
    HubFixture.Client staying = f.connected(longLived, "edge-long");
    // Signed once the client side is warm: the handshake must come well within its lifetime.
    HeldCertificate shortLived = certificate("edge-short", Duration.ofSeconds(5));
    HubFixture.Client expiring = f.connected(shortLived, "edge-short");
    Instant notAfter = shortLived.notAfter();

    await().atMost(WAIT).until(() -> !expiring.closeFrames.isEmpty());

    HubFixture.Client.Close close = expiring.closeFrames.take();
    log.info(
        "session closed {} ms after its certificate's notAfter",
        Duration.between(notAfter, close.at()).toMillis());
    assertThat(close.at()).as("never before the certificate's end").isAfter(notAfter);
    assertThat(close.code()).isEqualTo(RevocationNotice.CLOSE_CODE);
    assertThat(RevocationNotice.isExpiry(close.code(), close.reason())).isTrue();
    assertThat(close.reason())
        .startsWith(RevocationNotice.EXPIRED_PREFIX)
        .contains(SerialNumbers.toColonHex(shortLived.certificate().getSerialNumber()));
    assertThat(RevocationNotice.of(close.code(), close.reason()))
        .as("not a revocation: the node keeps its key and renews")
        .isEmpty();
    await().atMost(WAIT).until(() -> f.hub.session(NodeName.of("edge-short")).isEmpty());
    assertThat(f.hub.session(NodeName.of("edge-long"))).as("another node's session").isPresent();
    assertThat(staying.closeFrames).isEmpty();
    assertThat(f.audit())
        .anySatisfy(
            line -> {
              assertThat(line.get("action").asText()).isEqualTo("close-session");
              assertThat(line.toString()).contains("expired at");
            });
  }
}
