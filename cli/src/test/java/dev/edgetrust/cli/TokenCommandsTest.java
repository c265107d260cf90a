package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.builtin.BuiltinCa;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The token model from the command line: {@code token --node}, {@code enroll} on the built-in CA (a
 * bundle the real EdgeHub runs from as is) and {@code node reset}, each with its one-line errors.
 */
class TokenCommandsTest {
  static final String ADMIN_TOKEN = "5e7a1c9b3d2f4e6a8b0c1d3e5f7a9b2c";

  @TempDir Path dir;
  CloudHub hub;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final ByteArrayOutputStream report = new ByteArrayOutputStream();

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

  private Path config(String extra) throws Exception {
    Path token = dir.resolve("admin.token");
    Files.writeString(token, ADMIN_TOKEN + "\n");
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
            websocket: {address: 127.0.0.1, port: %d}
            https: {address: 127.0.0.1, port: %d}
            admin: {enable: true, port: %d, tokenFile: admin.token}
        """
                .formatted(freePort(), freePort(), freePort())
            + extra.indent(4));
    return file;
  }

  private BuiltinCa startHub(Path config) throws Exception {
    CloudHubSettings settings = CloudHubConfig.load(config);
    BuiltinCa ca = TestBuiltinCa.load(settings);
    hub = CloudHub.start(settings, ca, new CloudHubListener() {}, Clock.systemUTC());
    return ca;
  }

  private int run(Object command, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return new CommandLine(command)
        .setExecutionExceptionHandler(new UserErrors())
        .setParameterExceptionHandler(new UserErrors())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  private EnrollCommand enroll() {
    EnrollCommand command = new EnrollCommand();
    command.stdout = new PrintStream(report, true, StandardCharsets.UTF_8);
    return command;
  }

  @Test
  void tokenWithNode_printsAKubeEdgeTokenBoundToThatNode() throws Exception {
    Path config = config("");

    int exit =
        run(new TokenCommand(), "--config", config.toString(), "--node", "edge-7", "--ttl", "2h");

    assertThat(exit).as(err.toString()).isZero();
    String token = out.toString().strip();
    assertThat(token).matches("[0-9a-f]{64}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    assertThat(err.toString())
        .startsWith("enrolls node edge-7 only, once (token id ")
        .doesNotContain(token);
    BuiltinCa ca = TestBuiltinCa.load(CloudHubConfig.load(config));
    JoinTokenClaims claims = ca.verifyJoinToken(token.substring(token.indexOf('.') + 1));
    assertThat(claims)
        .isInstanceOfSatisfying(
            JoinTokenClaims.NodeBound.class,
            b -> assertThat(b.node()).isEqualTo(NodeName.of("edge-7")));
  }

  @Test
  void tokenWithoutNode_staysShared() throws Exception {
    int exit = run(new TokenCommand(), "--config", config("").toString());

    assertThat(exit).isZero();
    assertThat(err.toString()).startsWith("shared: enrolls any unused node name until ");
  }

  @Test
  void sharedTokenFromANodeBoundCloudHub_isOneLineErrorSayingUseNode() throws Exception {
    int exit = run(new TokenCommand(), "--config", config("joinTokens: nodeBound").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("joinTokens: nodeBound")
        .contains("--node NAME")
        .hasLineCount(1);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void tokenWithABadNodeName_isOneLineError() throws Exception {
    int exit = run(new TokenCommand(), "--config", config("").toString(), "--node", "Edge_7");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("edgetrust: ")
        .contains("not a valid node name")
        .hasLineCount(1);
  }

  @Test
  void tokenWithAZeroTtl_isOneLineErrorPointingAtHelp() throws Exception {
    int exit =
        run(
            new TokenCommand(),
            "--config",
            config("").toString(),
            "--node",
            "edge-7",
            "--ttl",
            "0s");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("edgetrust: Invalid value for option '--ttl'")
        .contains("--help")
        .hasLineCount(1);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void tokenForAVaultCloudHub_isOneLineError() throws Exception {
    int exit =
        run(
            new TokenCommand(),
            "--config",
            config(
                    "pki: {provider: vault, vault: {address: 'https://vault.example:8200', tokenFile: vault.token}}")
                .toString(),
            "--node",
            "edge-7");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("pki.provider: vault")
        .contains("./edgetrust enroll NODE")
        .hasLineCount(1);
  }

  @Test
  void helpOfTheNewCommands_works() {
    assertThat(run(new TokenCommand(), "--help")).isZero();
    assertThat(out.toString()).contains("--node").contains("--ttl");
    assertThat(run(enroll(), "--help")).isZero();
    assertThat(out.toString()).contains("--config").contains("Built-in CA");
    assertThat(run(new NodeCommand(), "reset", "--help")).isZero();
    assertThat(out.toString()).contains("Revokes its certificates");
  }

  @Test
  void enrollOnTheBuiltinCa_writesABundleTheEdgeHubRunsAsIs_andItsTokenWorksOnce()
      throws Exception {
    Path config = config("");
    BuiltinCa ca = startHub(config);
    Path bundle = dir.resolve("bundle");

    int exit = run(enroll(), "edge-7", "--config", config.toString(), "--out", bundle.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(report.toString(StandardCharsets.UTF_8))
        .contains("join token for edge-7 only, usable once")
        .contains("On the node: ./edgetrust edgehub --config " + bundle.resolve("edgecore.yaml"));
    assertThat(Files.getPosixFilePermissions(bundle))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(bundle.resolve("join-token")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(bundle.resolve("ca.crt")).exists();
    String token = Files.readString(bundle.resolve("join-token")).strip();
    assertThat(report.toString(StandardCharsets.UTF_8)).doesNotContain(token);

    EdgeHubSettings settings = EdgeHubSettings.load(bundle.resolve("edgecore.yaml"));
    try (EdgeHub edge = EdgeHub.builder(settings).build()) {
      edge.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> hub.session(NodeName.of("edge-7")).isPresent());
    }
    assertThat(
            ca.joinTokenUse(
                (JoinTokenClaims.NodeBound)
                    ca.verifyJoinToken(token.substring(token.indexOf('.') + 1))))
        .hasValueSatisfying(use -> assertThat(use.node()).isEqualTo(NodeName.of("edge-7")));
  }

  @Test
  void enrollOnTheBuiltinCa_withAVaultOption_isOneLineError() throws Exception {
    int exit =
        run(
            enroll(),
            "edge-7",
            "--config",
            config("").toString(),
            "--out",
            dir.resolve("b").toString(),
            "--auth",
            "approle");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("edgetrust: --auth is for enrollment with Vault")
        .hasLineCount(1);
    assertThat(dir.resolve("b")).doesNotExist();
  }

  @Test
  void enrollOnTheBuiltinCa_intoANonEmptyDirectory_isOneLineError() throws Exception {
    Path bundle = dir.resolve("taken");
    Files.createDirectories(bundle);
    Files.writeString(bundle.resolve("keep.txt"), "mine");

    int exit =
        run(enroll(), "edge-7", "--config", config("").toString(), "--out", bundle.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("is not empty").contains("--force").hasLineCount(1);
    assertThat(bundle.resolve("join-token")).doesNotExist();
  }

  @Test
  void enrollWithTheConfigOfAVaultCloudHub_isOneLineError() throws Exception {
    int exit =
        run(
            enroll(),
            "edge-7",
            "--config",
            config(
                    "pki: {provider: vault, vault: {address: 'https://vault.example:8200', tokenFile: vault.token}}")
                .toString(),
            "--out",
            dir.resolve("b").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("pki.provider: vault")
        .contains("drop --config")
        .hasLineCount(1);
  }

  @Test
  void enrollWithABadNodeName_isOneLineError() throws Exception {
    int exit =
        run(
            enroll(),
            "Edge_7",
            "--config",
            config("").toString(),
            "--out",
            dir.resolve("b").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).startsWith("edgetrust: NODE: ").hasLineCount(1);
  }

  @Test
  void nodeReset_printsEachStep_andFreesTheName() throws Exception {
    Path config = config("");
    startHub(config);
    assertThat(
            run(
                enroll(),
                "edge-7",
                "--config",
                config.toString(),
                "--out",
                dir.resolve("b").toString()))
        .isZero();
    try (EdgeHub edge =
        EdgeHub.builder(EdgeHubSettings.load(dir.resolve("b/edgecore.yaml"))).build()) {
      edge.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> hub.session(NodeName.of("edge-7")).isPresent());

      int exit = run(new NodeCommand(), "reset", "edge-7", "--config", config.toString());

      assertThat(exit).as(err.toString()).isZero();
      assertThat(out.toString())
          .startsWith("reset edge-7:")
          .contains("(a) revoke every certificate serial known for the node: done")
          .contains("(b) close the node's live session: done")
          .contains("(c) let one new token enrollment take the name: done")
          .contains(
              "next: give the new device a join token (./edgetrust token --config <cloudcore.yaml> --node edge-7)");
    }
  }

  @Test
  void nodeResetWithABadName_isOneLineError() throws Exception {
    int exit = run(new NodeCommand(), "reset", "Edge_7", "--config", config("").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("not a valid node name").hasLineCount(1);
  }
}
