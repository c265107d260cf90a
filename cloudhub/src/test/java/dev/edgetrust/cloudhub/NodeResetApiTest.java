package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.cloudhub.config.AdminSettings;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.tls.PinnedServerTrust;
import dev.edgetrust.x509.HeldCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /nodes/NAME/reset} on the admin API, over real HTTPS on loopback. */
class NodeResetApiTest {
  static final String TOKEN = "0b9e4d2a7c1f5e3b8a6d4c2e0f9b7a5d";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  HubFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private HttpResponse<String> post(String path, String token) throws Exception {
    URI uri =
        URI.create("https://127.0.0.1:" + f.hub.adminAddress().orElseThrow().getPort() + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    // As the CLI does: the admin API's own pinned certificate, not the node CA.
    X509Certificate pinned =
        KeyCertificateFiles.readCertificates(f.settings.admin().serverCertificateFile()).get(0);
    return HttpClient.newBuilder()
        .sslContext(JdkTls.context(Optional.empty(), PinnedServerTrust.of(pinned, "127.0.0.1")))
        .build()
        .send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void start() throws Exception {
    Path tokenFile = dir.resolve("admin/token");
    Files.createDirectories(tokenFile.getParent());
    Files.writeString(tokenFile, TOKEN + "\n");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    f =
        HubFixture.start(
            dir,
            s ->
                s.toBuilder()
                    .admin(
                        AdminSettings.on(
                            "127.0.0.1",
                            0,
                            Optional.ofNullable(tokenFile),
                            Optional.empty(),
                            AdminApiTest.adminServerCertificate(dir)))
                    .build());
  }

  @Test
  void resetWithTheToken_reportsEachStep_closesTheSession_andIsAudited() throws Exception {
    start();
    HeldCertificate cert = f.enroll("edge-1");
    HubFixture.Client session = f.connected(cert, "edge-1");

    HttpResponse<String> reset = post("/nodes/edge-1/reset", TOKEN);

    assertThat(reset.statusCode()).isEqualTo(200);
    JsonNode report = JSON.readTree(reset.body());
    assertThat(report.path("action").asText()).isEqualTo("reset");
    assertThat(report.path("outcome").asText()).isEqualTo("done");
    assertThat(report.path("steps").findValuesAsText("step")).containsExactly("a", "b", "c");
    assertThat(report.path("nextStep").asText())
        .contains("token --config <cloudcore.yaml> --node edge-1");
    assertThat(session.closes.poll(10, TimeUnit.SECONDS)).isEqualTo(1008);
    assertThat(f.tryConnect(cert, "edge-1")).isEqualTo("tls");
    assertThat(f.audit())
        .filteredOn(l -> l.path("action").asText().equals("reset"))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l.path("who").asText())
                    .startsWith("token:sha256:")
                    .doesNotContain(TOKEN));
  }

  @Test
  void resetWithoutTheToken_gets401_andChangesNothing() throws Exception {
    start();
    HeldCertificate cert = f.enroll("edge-1");
    f.connected(cert, "edge-1");

    assertThat(post("/nodes/edge-1/reset", null).statusCode()).isEqualTo(401);

    assertThat(f.hub.session(dev.edgetrust.pki.NodeName.of("edge-1"))).isPresent();
    assertThat(f.ca.revocationList().serials()).isEmpty();
  }
}
