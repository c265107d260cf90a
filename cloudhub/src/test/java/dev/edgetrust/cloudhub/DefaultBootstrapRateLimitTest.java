package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.config.BootstrapRateLimit;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.HttpsSettings;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a cloudcore.yaml with no {@code rateLimit} key limits a token holder who mints a new
 * node name per request from one address, over real TLS on loopback; renewals and other hosts are
 * not held to that bucket.
 */
class DefaultBootstrapRateLimitTest {
  private static final String FLOODER = "127.0.0.3";

  @TempDir Path dir;

  @Test
  void defaultConfig_limitsAFloodOfTokenEnrollmentsFromOneAddress() throws Exception {
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(config, "modules:\n  cloudHub:\n    https:\n      port: 10002\n");
    HttpsSettings configured = CloudHubConfig.load(config).https();
    BootstrapRateLimit limit = configured.bootstrapRateLimit().orElseThrow();
    assertThat(limit).isEqualTo(BootstrapRateLimit.DEFAULT);

    try (HubFixture f =
        HubFixture.start(
            dir.resolve("hub"),
            s -> s.toBuilder().https(s.https().withRateLimit(configured.rateLimit())).build())) {
      InetSocketAddress server = f.hub.bootstrapAddress().orElseThrow();
      SSLContext anonymous = JdkTls.context(Optional.empty(), f.ca.trustAnchors());
      String jwt = f.jwt();
      List<Integer> statuses = new ArrayList<>();
      List<String> refusals = new ArrayList<>();
      long started = System.nanoTime();
      // Mint until refused (an enrollment is one a second after the burst: a slow machine may
      // earn a few more tokens while it floods, but never keeps up).
      for (int i = 0; i < 200 && refusals.isEmpty(); i++) {
        byte[] csr =
            Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge")).der();
        RawTlsClient.Reply reply =
            RawTlsClient.send(
                anonymous,
                FLOODER,
                server,
                "GET /edge.crt HTTP/1.1\r\nHost: 127.0.0.1\r\nNodeName: minted-"
                    + i
                    + "\r\nAuthorization: Bearer "
                    + jwt
                    + "\r\nContent-Length: "
                    + csr.length
                    + "\r\n\r\n",
                csr);
        statuses.add(reply.status());
        if (reply.status() == 429) {
          refusals.add(reply.body());
        }
      }
      long seconds = java.time.Duration.ofNanos(System.nanoTime() - started).toSeconds();

      long minted = statuses.stream().filter(s -> s == 200).count();
      assertThat(refusals).as("a 429 among " + statuses).hasSize(1);
      assertThat(refusals.get(0)).contains("too many token enrollments from this address");
      assertThat(minted)
          .isBetween((long) limit.enrollmentBurst(), limit.enrollmentBurst() + seconds + 1);
      assertThat(statuses).isSubsetOf(200, 429);

      // Another host enrolls as usual.
      assertThat(f.enroll("edge-honest").certificate().getSubjectX500Principal().getName())
          .contains("edge-honest");
    }
  }
}
