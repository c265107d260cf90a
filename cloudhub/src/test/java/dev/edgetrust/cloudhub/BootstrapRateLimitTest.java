package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * The bootstrap's per-address rate limit over real TLS on loopback: a host (127.0.0.2) that
 * floods {@code /edge.crt} gets 429s, counted before its token is even looked at, while another
 * host (127.0.0.1) enrolls as usual, and the flooder itself gets through once it waits as told.
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
    f = HubFixture.start(dir, s -> s.toBuilder()
        .limits(s.limits().withBootstrapRateLimit(new CloudHubSettings.BootstrapRateLimit(0.2, BURST, 100)))
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
    return "GET /edge.crt HTTP/1.1\r\nHost: 127.0.0.1\r\nNodeName: " + node + "\r\nAuthorization: Bearer " + token
        + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
  }

  @Test
  void floodFromOneAddress_getsTooManyRequestsBeforeItsTokenIsChecked_whileAnotherHostEnrolls() throws Exception {
    List<RawTlsClient.Reply> flood = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      flood.add(RawTlsClient.send(anonymous, FLOODER, server, edgeCrtHead("edge-flood", "not.a.token", csr.length), csr));
    }

    // The first few are let through and refused for their bad token (401); the rest never reach
    // the token check: 429, with a Retry-After the client can act on.
    List<Integer> statuses = flood.stream().map(RawTlsClient.Reply::status).toList();
    assertThat(statuses).containsOnly(401, 429);
    assertThat(statuses.stream().filter(s -> s == 429).count()).isGreaterThanOrEqualTo(20 - BURST - 2);
    assertThat(flood.stream().filter(r -> r.status() == 429))
        .allSatisfy(r -> assertThat(Integer.parseInt(r.headers().get("retry-after"))).isBetween(1, 5));

    // A different address is not affected.
    assertThat(f.enroll("edge-paced").certificate().getSubjectX500Principal().getName()).contains("edge-paced");
  }

  @Test
  void refusalComesBeforeTheBodyIsRead() throws Exception {
    for (int i = 0; i < BURST; i++) {
      RawTlsClient.send(anonymous, FLOODER, server, edgeCrtHead("edge-flood", "not.a.token", csr.length), csr);
    }

    // Announces a 1 MiB body and sends none: only a refusal made on the headers can answer.
    RawTlsClient.Reply reply =
        RawTlsClient.send(anonymous, FLOODER, server, edgeCrtHead("edge-flood", "x", Csr.MAX_DER_BYTES), new byte[0]);

    assertThat(reply.status()).isEqualTo(429);
  }

  @Test
  void flooderThatWaitsAsToldIsServedAgain() throws Exception {
    for (int i = 0; i < BURST + 2; i++) {
      RawTlsClient.send(anonymous, FLOODER, server, edgeCrtHead("edge-flood", "not.a.token", csr.length), csr);
    }
    String jwt = f.jwt();
    AtomicReference<RawTlsClient.Reply> last = new AtomicReference<>();

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      last.set(RawTlsClient.send(anonymous, FLOODER, server, edgeCrtHead("edge-flood", jwt, csr.length), csr));
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
