package dev.edgetrust.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.TestCertificates;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

/** Real handshakes on loopback between JDK sockets built from the toolkit's material. */
class HandshakeCertificatesTest {
  private static final KeyPair CA_KEY = Keys.newP256();
  private static final X509Certificate CA =
      TestCertificates.selfSignedCa(CA_KEY, "CN=toolkit test CA");

  private static HeldCertificate issued(String subject, long serial) {
    KeyPair key = Keys.newP256();
    X509Certificate leaf =
        TestCertificates.leaf(
            key.getPublic(),
            new X500Name(subject),
            CA_KEY.getPrivate(),
            new X500Name("CN=toolkit test CA"),
            BigInteger.valueOf(serial));
    return new HeldCertificate(key.getPrivate(), List.of(leaf, CA));
  }

  /** Accepts one connection, requires a client certificate, and answers with its subject. */
  private static String handshake(HandshakeCertificates server, HandshakeCertificates client)
      throws Exception {
    try (SSLServerSocket listener =
        (SSLServerSocket)
            server
                .sslContext()
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setSSLParameters(server.sslParameters());
      listener.setNeedClientAuth(true);
      CompletableFuture<String> seen =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                  accepted.startHandshake();
                  X509Certificate peer =
                      (X509Certificate) accepted.getSession().getPeerCertificates()[0];
                  accepted.getOutputStream().write(1);
                  return peer.getSubjectX500Principal().getName()
                      + " over "
                      + accepted.getSession().getProtocol();
                } catch (IOException e) {
                  return "refused";
                }
              });
      try (SSLSocket socket =
          (SSLSocket)
              client
                  .sslContext()
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        socket.setSSLParameters(client.sslParameters());
        socket.startHandshake();
        socket.getInputStream().read();
      }
      return seen.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void heldCertificatesAndTrustedCa_makeAMutualTlsHandshake() throws Exception {
    HandshakeCertificates server =
        HandshakeCertificates.builder()
            .heldCertificate(issued("CN=server", 2))
            .addTrustedCertificate(CA)
            .build();
    HandshakeCertificates client =
        HandshakeCertificates.builder()
            .heldCertificate(issued("CN=client", 3))
            .addTrustedCertificate(CA)
            .build();

    assertThat(handshake(server, client)).isEqualTo("CN=client over TLSv1.3");
  }

  @Test
  void aServerUnderAnotherCa_isRefusedByTheClient() {
    KeyPair otherKey = Keys.newP256();
    HandshakeCertificates server =
        HandshakeCertificates.builder()
            .heldCertificate(issued("CN=server", 4))
            .addTrustedCertificate(CA)
            .build();
    HandshakeCertificates client =
        HandshakeCertificates.builder()
            .heldCertificate(issued("CN=client", 5))
            .addTrustedCertificate(TestCertificates.selfSignedCa(otherKey, "CN=another CA"))
            .build();

    assertThatThrownBy(() -> handshake(server, client)).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void nothingTrusted_refusesEveryServer() {
    HandshakeCertificates server =
        HandshakeCertificates.builder()
            .heldCertificate(issued("CN=server", 6))
            .addTrustedCertificate(CA)
            .build();
    HandshakeCertificates client =
        HandshakeCertificates.builder().heldCertificate(issued("CN=client", 7)).build();

    // The JDK's words for an empty trust store: not a handshake refusal but a failed one all the
    // same.
    assertThatThrownBy(() -> handshake(server, client))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("trustAnchors parameter must be non-empty");
  }

  @Test
  void aPinnedServerTrust_isTheOnlyTrust() throws Exception {
    HeldCertificate serverHeld = issued("CN=server", 8);
    HandshakeCertificates server =
        HandshakeCertificates.builder()
            .heldCertificate(serverHeld)
            .addTrustedCertificate(CA)
            .build();
    HandshakeCertificates pinnedToAnother =
        HandshakeCertificates.builder()
            .heldCertificate(issued("CN=client", 9))
            .trustManager(PinnedServerTrust.of(issued("CN=server", 10).certificate(), "127.0.0.1"))
            .build();

    assertThatThrownBy(() -> handshake(server, pinnedToAnother))
        .as("a certificate from the trusted CA is not the pinned one")
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aTrustManagerAndTrustedCertificates_excludeEachOther() throws Exception {
    HandshakeCertificates.Builder both =
        HandshakeCertificates.builder()
            .addTrustedCertificate(CA)
            .trustManager(PinnedServerTrust.of(CA, "127.0.0.1"));

    assertThatThrownBy(both::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a trust manager and trusted certificates exclude each other");
  }

  @Test
  void byDefault_tls13And12AreOffered_andNothingIsPresented() {
    HandshakeCertificates defaults = HandshakeCertificates.builder().build();

    assertThat(defaults.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(defaults.sslParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(defaults.keyManager()).isEmpty();
    assertThat(defaults.trustManager().getAcceptedIssuers()).isEmpty();
  }

  @Test
  void tls12Only_isWhatAServerRestrictedToIt_speaks() throws Exception {
    HandshakeCertificates server =
        HandshakeCertificates.builder()
            .protocols("TLSv1.2")
            .heldCertificate(issued("CN=server", 11))
            .addTrustedCertificate(CA)
            .build();
    HandshakeCertificates client =
        HandshakeCertificates.builder()
            .heldCertificate(issued("CN=client", 12))
            .addTrustedCertificate(CA)
            .build();

    assertThat(handshake(server, client)).isEqualTo("CN=client over TLSv1.2");
  }

  @Test
  void toString_namesNoKey() {
    HeldCertificate held = issued("CN=client", 13);
    String shown =
        HandshakeCertificates.builder()
            .heldCertificate(held)
            .addTrustedCertificate(CA)
            .build()
            .toString();

    assertThat(shown)
        .contains("presents a certificate")
        .doesNotContain(held.privateKey().toString());
  }
}
