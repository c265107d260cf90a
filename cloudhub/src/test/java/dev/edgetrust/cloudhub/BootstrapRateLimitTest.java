package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgetrust.cloudhub.config.BootstrapRateLimit;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootstrap's per-address rate limit over real TLS on loopback: a host (127.0.0.2) that floods
 * {@code /edge.crt} gets 429s, counted before its token is even looked at, then (ignoring them) no
 * TLS handshake at all, while another host (127.0.0.1) enrolls as usual; the flooder itself gets
 * through once it waits as told.
 */
class BootstrapRateLimitTest {
  private static final String FLOODER = "127.0.0.2";
  private static final int BURST = 3;

  @TempDir Path dir;
  HubFixture f;
  InetSocketAddress server;
  SSLContext anonymous;
  byte[] csr;

  @BeforeEach
  void start() throws Exception {
    f =
        HubFixture.start(
            dir,
            s ->
                s.toBuilder()
                    .https(s.https().withRateLimit(new BootstrapRateLimit(0.2, BURST, 100)))
                    .build());
    server = f.hub.bootstrapAddress().orElseThrow();
    anonymous = JdkTls.context(Optional.empty(), f.ca.trustAnchors());
    csr = Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge")).der();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private String edgeCrtHead(String node, String token, int contentLength) {
    return "GET /edge.crt HTTP/1.1\r\nHost: 127.0.0.1\r\nNodeName: "
        + node
        + "\r\nAuthorization: Bearer "
        + token
        + "\r\nContent-Length: "
        + contentLength
        + "\r\n\r\n";
  }

  /** The reply's status, or 0 when the connection was closed before the TLS handshake finished. */
  private int statusOrClosed(String head, byte[] body) {
    try {
      return RawTlsClient.send(anonymous, FLOODER, server, head, body).status();
    } catch (java.io.IOException closedBeforeTls) {
      return 0;
    }
  }

  @Test
  void
      floodFromOneAddress_getsTooManyRequestsBeforeItsTokenIsChecked_thenNoHandshake_whileAnotherHostEnrolls()
          throws Exception {
    List<RawTlsClient.Reply> answered = new ArrayList<>();
    for (int i = 0; i < 2 * BURST; i++) {
      answered.add(
          RawTlsClient.send(
              anonymous,
              FLOODER,
              server,
              edgeCrtHead("edge-flood", "not.a.token", csr.length),
              csr));
    }
    List<Integer> ignoring = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ignoring.add(statusOrClosed(edgeCrtHead("edge-flood", "not.a.token", csr.length), csr));
    }

    // The burst is let through and refused for its bad token (401); then 429s, counted before the
    // token check, with a Retry-After the client can act on; a client that ignores that many gets
    // its connections closed before the TLS handshake, which is what a flood costs the CloudHub.
    List<Integer> statuses = answered.stream().map(RawTlsClient.Reply::status).toList();
    assertThat(statuses.subList(0, BURST)).containsOnly(401);
    // A token comes back every 5 s: on a slow machine one of the rest may still be let through.
    assertThat(statuses.subList(BURST, 2 * BURST)).isSubsetOf(401, 429).contains(429);
    assertThat(answered.stream().filter(r -> r.status() == 429))
        .allSatisfy(
            r -> assertThat(Integer.parseInt(r.headers().get("retry-after"))).isBetween(1, 5));
    assertThat(ignoring).isSubsetOf(0, 401, 429).as("closed before the handshake").contains(0);
    assertThat(ignoring.stream().filter(s -> s == 0).count())
        .isGreaterThanOrEqualTo(ignoring.size() / 2);

    // A different address is not affected.
    assertThat(f.enroll("edge-paced").certificate().getSubjectX500Principal().getName())
        .contains("edge-paced");
    // And the flooder is answered again once a token is back.
    String jwt = f.jwt();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> statusOrClosed(edgeCrtHead("edge-flood", jwt, csr.length), csr) == 200);
  }

  @Test
  void refusalComesBeforeTheBodyIsRead() throws Exception {
    for (int i = 0; i < BURST; i++) {
      RawTlsClient.send(
          anonymous, FLOODER, server, edgeCrtHead("edge-flood", "not.a.token", csr.length), csr);
    }

    // Announces a 1 MiB body and sends none: only a refusal made on the headers can answer.
    RawTlsClient.Reply reply =
        RawTlsClient.send(
            anonymous,
            FLOODER,
            server,
            edgeCrtHead("edge-flood", "x", Csr.MAX_DER_BYTES),
            new byte[0]);

    assertThat(reply.status()).isEqualTo(429);
  }

  @Test
  void flooderThatWaitsAsToldIsServedAgain() throws Exception {
    for (int i = 0; i < BURST; i++) {
      RawTlsClient.send(
          anonymous, FLOODER, server, edgeCrtHead("edge-flood", "not.a.token", csr.length), csr);
    }
    RawTlsClient.Reply refused =
        RawTlsClient.send(
            anonymous, FLOODER, server, edgeCrtHead("edge-flood", "not.a.token", csr.length), csr);
    assertThat(refused.status()).isEqualTo(429);
    Duration told = Duration.ofSeconds(Integer.parseInt(refused.headers().get("retry-after")));
    String jwt = f.jwt();
    AtomicReference<RawTlsClient.Reply> last = new AtomicReference<>();

    // Waits as told before asking again (and as told again, should it be early).
    await()
        .pollDelay(told)
        .pollInterval(told)
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              last.set(
                  RawTlsClient.send(
                      anonymous, FLOODER, server, edgeCrtHead("edge-flood", jwt, csr.length), csr));
              return last.get().status() != 429;
            });

    assertThat(last.get().status()).isEqualTo(200);
  }

  @Test
  void caCrtCountsToo() throws Exception {
    String head = "GET /ca.crt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < BURST + 3; i++) {
      statuses.add(RawTlsClient.send(anonymous, FLOODER, server, head, new byte[0]).status());
    }

    assertThat(statuses.subList(0, BURST)).containsOnly(200);
    assertThat(statuses).contains(429);
  }
}
