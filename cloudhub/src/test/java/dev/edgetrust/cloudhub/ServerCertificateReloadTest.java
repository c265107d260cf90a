package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server certificate is replaced on disk while the CloudHub keeps serving. */
class ServerCertificateReloadTest {
  @TempDir Path dir;
  HubFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private HeldCertificate newServerCertificate() throws Exception {
    KeyPair keys = Keys.newP256();
    X509Certificate cert =
        f.ca
            .sign(
                SigningRequest.forServer(
                    "KubeEdge",
                    Csr.create(keys, new X500Principal("CN=x")),
                    List.of("localhost"),
                    List.of(InetAddress.getByName("127.0.0.1")),
                    Duration.ofDays(30)))
            .certificate();
    return new HeldCertificate(keys.getPrivate(), List.of(cert, f.ca.caCertificate()));
  }

  /**
   * Asks the hub to reload and tells whether {@code replacement} is then in service. The hub
   * watches these files as well, and its watcher may take the new pair into service before the
   * explicit call does, which then finds nothing changed and returns false. Whoever loads it, the
   * check is synchronized with the watcher's, so once it returns the new pair serves: that state is
   * what is observed here, not which of the two got there first.
   */
  private boolean reloadedInto(HeldCertificate replacement) {
    f.hub.reloadCredentials();
    return f.hub.serverCertificate().equals(replacement.certificate());
  }

  private static BigInteger handshake(SSLContext tls, int port) throws Exception {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  @Test
  void replacedWhile50ClientsHandshakeInALoop_noHandshakeFailsAndNewOnesGetTheNewSerial()
      throws Exception {
    f =
        HubFixture.start(
            dir, s -> s.toBuilder().credentialPollInterval(Duration.ofMillis(200)).build());
    SSLContext tls = f.tls(f.enroll("edge-1"));
    int port = f.hub.websocketAddress().orElseThrow().getPort();
    BigInteger oldSerial = f.hub.serverCertificate().getSerialNumber();
    HeldCertificate replacement = newServerCertificate();

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger handshakes = new AtomicInteger();
    Set<BigInteger> seen = ConcurrentHashMap.newKeySet();
    ExecutorService clients = Executors.newFixedThreadPool(50);
    for (int i = 0; i < 50; i++) {
      clients.execute(
          () -> {
            for (int n = 0; n < 2_000 && running.get(); n++) {
              try {
                seen.add(handshake(tls, port));
                handshakes.incrementAndGet();
              } catch (Exception e) {
                failures.incrementAndGet();
              }
            }
          });
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> handshakes.get() >= 100);

    new KeyCertificateFiles(dir.resolve("certs/server.key"), dir.resolve("certs/server.crt"))
        .write(replacement);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> seen.contains(replacement.certificate().getSerialNumber()));
    int atSwap = handshakes.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> handshakes.get() >= atSwap + 100);
    running.set(false);
    clients.shutdown();
    assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    assertThat(failures.get()).isZero();
    assertThat(seen)
        .containsExactlyInAnyOrder(oldSerial, replacement.certificate().getSerialNumber());
    assertThat(f.hub.serverCertificate()).isEqualTo(replacement.certificate());
    assertThat(handshake(tls, port)).isEqualTo(replacement.certificate().getSerialNumber());
  }

  @Test
  void replacementWithAMismatchedKey_keepsTheOldCertificateInService() throws Exception {
    f = HubFixture.start(dir);
    SSLContext tls = f.tls(f.enroll("edge-1"));
    int port = f.hub.websocketAddress().orElseThrow().getPort();
    BigInteger oldSerial = f.hub.serverCertificate().getSerialNumber();
    HeldCertificate replacement = newServerCertificate();

    // A new certificate beside a key that is not its own: what a half-done manual copy leaves.
    AtomicFile.writePublic(
        dir.resolve("certs/server.crt"),
        Pem.certificates(replacement.chain()).getBytes(StandardCharsets.US_ASCII));

    assertThat(f.hub.reloadCredentials()).isFalse();
    assertThat(f.hub.serverCertificate().getSerialNumber()).isEqualTo(oldSerial);
    assertThat(handshake(tls, port)).isEqualTo(oldSerial);
  }

  @Test
  void replacementThatIsNotPem_keepsTheOldCertificateInService() throws Exception {
    f = HubFixture.start(dir);
    SSLContext tls = f.tls(f.enroll("edge-1"));
    int port = f.hub.websocketAddress().orElseThrow().getPort();
    BigInteger oldSerial = f.hub.serverCertificate().getSerialNumber();

    AtomicFile.writePublic(
        dir.resolve("certs/server.crt"), "not a certificate".getBytes(StandardCharsets.US_ASCII));

    assertThat(f.hub.reloadCredentials()).isFalse();
    assertThat(handshake(tls, port)).isEqualTo(oldSerial);
  }

  @Test
  void withAReconnectWindow_everyOlderSessionIsAskedToReconnectWithinIt() throws Exception {
    f = HubFixture.start(dir, s -> s.toBuilder().reconnectWindow(Duration.ofSeconds(2)).build());
    HeldCertificate edge1 = f.enroll("edge-1");
    HubFixture.Client one = f.connected(edge1, "edge-1");
    HubFixture.Client two = f.connected(f.enroll("edge-2"), "edge-2");
    HeldCertificate replacement = newServerCertificate();

    new KeyCertificateFiles(dir.resolve("certs/server.key"), dir.resolve("certs/server.crt"))
        .write(replacement);
    assertThat(reloadedInto(replacement)).isTrue();

    assertThat(one.closes.poll(30, TimeUnit.SECONDS)).isEqualTo(1001);
    assertThat(two.closes.poll(30, TimeUnit.SECONDS)).isEqualTo(1001);
    // Back on its own certificate: a join token cannot enroll a name that holds one.
    HubFixture.Client again = f.connected(edge1, "edge-1");
    assertThat(again.closes.poll(3, TimeUnit.SECONDS))
        .as("a session on the new certificate is left alone")
        .isNull();
  }

  @Test
  void withoutAReconnectWindow_liveSessionsStayAfterARotation() throws Exception {
    f = HubFixture.start(dir);
    HubFixture.Client one = f.connected(f.enroll("edge-1"), "edge-1");

    HeldCertificate replacement = newServerCertificate();
    new KeyCertificateFiles(dir.resolve("certs/server.key"), dir.resolve("certs/server.crt"))
        .write(replacement);
    assertThat(reloadedInto(replacement)).isTrue();

    assertThat(one.closes.poll(3, TimeUnit.SECONDS)).isNull();
    assertThat(f.hub.session(dev.edgetrust.pki.NodeName.of("edge-1"))).isPresent();
  }

  /**
   * The cause of a flaky {@code reloadCredentials() == false} right after writing new files: the
   * watcher had put them into service on their write event, a moment before the call.
   */
  @Test
  void rotationTheWatcherPutInService_isReportedByTheNextReloadCall_once() throws Exception {
    f =
        HubFixture.start(
            dir, s -> s.toBuilder().credentialPollInterval(Duration.ofMillis(200)).build());
    HeldCertificate replacement = newServerCertificate();

    new KeyCertificateFiles(dir.resolve("certs/server.key"), dir.resolve("certs/server.crt"))
        .write(replacement);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> f.hub.serverCertificate().equals(replacement.certificate()));

    assertThat(f.hub.reloadCredentials()).as("new credentials went into service").isTrue();
    assertThat(f.hub.reloadCredentials()).as("and nothing since").isFalse();
  }

  @Test
  void unchangedFiles_areNotReloaded() throws Exception {
    f = HubFixture.start(dir);

    assertThat(f.hub.reloadCredentials()).isFalse();
  }
}
