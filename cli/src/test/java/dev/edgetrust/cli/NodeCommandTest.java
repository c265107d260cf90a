package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code edgetrust node ...} against a real CloudHub's admin API on loopback. */
class NodeCommandTest {
  static final String TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00";

  @TempDir Path dir;
  CloudHub hub;
  BuiltinCa ca;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private Path config(boolean adminOn, int adminPort) throws Exception {
    Path token = dir.resolve("admin.token");
    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        token, (TOKEN + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(
        file,
        """
        modules:
          cloudHub:
            tlsCAFile: ca/rootCA.crt
            tlsCAKeyFile: ca/rootCA.key
            tlsCertFile: certs/server.crt
            tlsPrivateKeyFile: certs/server.key
            advertiseAddress: [127.0.0.1]
            websocket: {address: 127.0.0.1, port: 0}
            https: {address: 127.0.0.1, port: 0}
            admin:
              enable: %s
              port: %d
              tokenFile: admin.token
        """
            .formatted(adminOn, adminPort));
    return file;
  }

  private Path startHub() throws Exception {
    Path file = config(true, freePort());
    CloudHubSettings settings = CloudHubConfig.load(file);
    ca = TestBuiltinCa.load(settings);
    hub = CloudHub.start(settings, ca, new CloudHubListener() {}, Clock.systemUTC());
    return file;
  }

  /** Enrolls a node through /edge.crt so that the CloudHub knows its serial. */
  private X509Certificate enroll(String node) throws Exception {
    String token = ca.mintJoinToken(Duration.ofHours(1)).value();
    HttpResponse<byte[]> response =
        HttpClient.newBuilder()
            .sslContext(JdkTls.context(Optional.empty(), ca.trustAnchors()))
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "https://127.0.0.1:"
                                + hub.bootstrapAddress().orElseThrow().getPort()
                                + "/edge.crt"))
                    .method(
                        "GET",
                        HttpRequest.BodyPublishers.ofByteArray(
                            Csr.create(Keys.newP256(), new X500Principal("CN=x")).der()))
                    .header("NodeName", node)
                    .header("Authorization", "Bearer " + token.substring(token.indexOf('.') + 1))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return Certificates.parseDer(response.body());
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return new CommandLine(new NodeCommand())
        .setExecutionExceptionHandler(new UserErrors())
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  @Test
  void list_printsATableOfKnownNodes() throws Exception {
    Path config = startHub();
    X509Certificate cert = enroll("edge-1");

    int exit = run("list", "--config", config.toString());

    assertThat(exit).as(err.toString()).isZero();
    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).matches("NODE\\s+CONNECTED\\s+SINCE\\s+SERIAL\\s+EXPIRES\\s+BLOCKED");
    assertThat(lines[1])
        .startsWith("edge-1")
        .contains(dev.edgetrust.x509.SerialNumbers.toColonHex(cert.getSerialNumber()))
        .contains(cert.getNotAfter().toInstant().toString())
        .endsWith("no");
  }

  @Test
  void blockThenUnblock_printEachStep_andTheListShowsTheBlock() throws Exception {
    Path config = startHub();
    enroll("edge-1");

    assertThat(run("block", "edge-1", "--config", config.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .startsWith("block edge-1:")
        .contains("(a) refuse the node's renewal credential in the PKI: done")
        .contains("(b) revoke every certificate serial known for the node: done")
        .contains("(c) close the node's live session: done")
        .contains("(d) refuse the node's future handshakes: done")
        .contains("revoked 1 serial");
    assertThat(run("list", "--config", config.toString())).isZero();
    assertThat(out.toString()).contains("BLOCKED");

    assertThat(run("unblock", "edge-1", "--config", config.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("(a) accept the node's renewal credential in the PKI again: done")
        // What happens next, per kind of edge (issue 11): the EdgeHub by itself, a stock edgecore
        // by hand.
        .contains("next: an edgetrust EdgeHub re-enrolls by itself")
        .contains("./edgetrust token --node edge-1")
        .contains("A stock edgecore cannot re-enroll by itself: delete its certificate and key");
    assertThat(ca.blockedNodes()).isEmpty();
  }

  @Test
  void wrongToken_isOneLineError_andBlocksNothing() throws Exception {
    Path config = startHub();
    Path wrong = dir.resolve("wrong.token");
    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        wrong, ("not-the-admin-token-at-all").getBytes(java.nio.charset.StandardCharsets.UTF_8));

    int exit =
        run("block", "edge-1", "--config", config.toString(), "--token-file", wrong.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("edgetrust: the admin API refused the credentials: wrong bearer token\n");
    assertThat(ca.blockedNodes()).isEmpty();
  }

  @Test
  void noCloudHubListening_isOneLineError() throws Exception {
    Path config = startHub();
    hub.close(); // the CA and the admin API's pinned certificate exist; the CloudHub is not running
    hub = null;

    int exit = run("list", "--config", config.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("edgetrust: cannot reach the admin API at 127.0.0.1:")
        .contains("connection refused")
        .hasLineCount(1);
  }

  @Test
  void adminApiOffInTheConfig_isOneLineErrorSayingHowToTurnItOn() throws Exception {
    Path config = config(false, 10004);

    int exit = run("list", "--config", config.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("the admin API is off")
        .contains("modules.cloudHub.admin.enable: true")
        .hasLineCount(1);
  }

  @Test
  void invalidNodeName_isOneLineError() throws Exception {
    Path config = startHub();

    int exit = run("block", "Edge_1", "--config", config.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("not a valid node name").hasLineCount(1);
  }
}
