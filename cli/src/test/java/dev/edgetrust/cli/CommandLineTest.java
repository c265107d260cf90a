package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees from the command line: one-line errors, no stack traces, working examples. */
class CommandLineTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** Every command path, at every depth: {@code [node, block]}, {@code [vault, setup]}, ... */
  private static java.util.List<java.util.List<String>> commandPaths(
      picocli.CommandLine command, java.util.List<String> path) {
    java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
    paths.add(path);
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                java.util.List<String> deeper = new java.util.ArrayList<>(path);
                deeper.add(name);
                paths.addAll(commandPaths(sub, deeper));
              }
            });
    return paths;
  }

  @Test
  void everyCommand_answersHelp_withItsUsage_andExitZero() {
    java.util.List<java.util.List<String>> paths =
        commandPaths(new picocli.CommandLine(new Main()), java.util.List.of());
    assertThat(paths).hasSizeGreaterThan(10);
    for (java.util.List<String> path : paths) {
      java.util.List<String> args = new java.util.ArrayList<>(path);
      args.add("--help");

      Run r = run(args.toArray(String[]::new));

      assertThat(r.exit()).as(String.join(" ", args)).isZero();
      assertThat(r.out())
          .as(String.join(" ", args))
          .startsWith("Usage: edgetrust" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
    }
  }

  @Test
  void missingConfigFile_isOneLineNamingTheFile() {
    Run r = run("token", "--config", dir.resolve("nope.yaml").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .isEqualTo("edgetrust: " + dir.resolve("nope.yaml") + ": no such file");
  }

  @Test
  void unknownKey_isOneLineNamingTheFileAndTheKey() throws Exception {
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(config, "modules:\n  cloudHub:\n    tlsCAfiel: /x\n");

    Run r = run("cloudhub", "--config", config.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err())
        .contains(config.toString())
        .contains("modules.cloudHub.tlsCAfiel")
        .doesNotContain("Exception");
  }

  @Test
  void cloudhubThatCannotWriteItsAuditLog_exitsNonZero_namingThePathInOneLine() throws Exception {
    // Tests run as root: a path below a regular file is what cannot be written.
    Path notADirectory = Files.writeString(dir.resolve("file.txt"), "x");
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(
        config,
        """
        modules:
          cloudHub:
            tlsCAFile: ca/rootCA.crt
            tlsCAKeyFile: ca/rootCA.key
            tlsCertFile: certs/server.crt
            tlsPrivateKeyFile: certs/server.key
            websocket: {address: 127.0.0.1, port: 0}
            https: {address: 127.0.0.1, port: 0}
            revocation: {auditFile: file.txt/audit.log}
        """);

    Run r = run("cloudhub", "--config", config.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err())
        .contains("cannot write " + notADirectory.resolve("audit.log"))
        .contains("modules.cloudHub.revocation.auditFile")
        .doesNotContain("\tat ");
  }

  @Test
  void wrongType_isOneLineNamingTheKey() throws Exception {
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(config, "modules:\n  cloudHub:\n    nodeLimit: lots\n");

    Run r = run("token", "--config", config.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("modules.cloudHub.nodeLimit")
        .contains("whole number")
        .doesNotContain("\tat ");
  }

  @Test
  void unreadableCaKey_isOneLineNamingTheFile() throws Exception {
    Path ca = dir.resolve("ca");
    Files.createDirectories(ca);
    Files.writeString(
        ca.resolve("rootCA.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        ca.resolve("rootCA.key"), ("not a key").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(
        config,
        "modules:\n  cloudHub:\n    tlsCAFile: ca/rootCA.crt\n    tlsCAKeyFile: ca/rootCA.key\n");

    Run r = run("token", "--config", config.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("rootCA");
  }

  @Test
  void portInUse_isOneLine() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Path config = dir.resolve("cloudcore.yaml");
      Files.writeString(
          config,
          "modules:\n  cloudHub:\n    tlsCAFile: s/ca.crt\n    tlsCAKeyFile: s/ca.key\n"
              + "    tlsCertFile: s/server.crt\n    tlsPrivateKeyFile: s/server.key\n"
              + "    websocket: {address: 127.0.0.1, port: "
              + taken.getLocalPort()
              + "}\n    https: {enable: false}\n");

      Run r = run("cloudhub", "--config", config.toString());

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err())
          .contains("address already in use")
          .contains(String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void gatewayWithoutItsUpstreamCertificate_isOneLineNamingTheFile() throws Exception {
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(
        config,
        "modules:\n  cloudHub:\n    tlsCAFile: s/ca.crt\n    tlsCAKeyFile: s/ca.key\n"
            + "    tlsCertFile: s/server.crt\n    tlsPrivateKeyFile: s/server.key\n"
            + "    websocket: {address: 127.0.0.1, port: 0}\n    https: {enable: false}\n"
            + "    upstream: {enable: true, server: 127.0.0.1:1, caFile: up/ca.crt, certFile: up/gw.crt, keyFile: up/gw.key}\n");

    Run r = run("cloudhub", "--config", config.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err())
        .contains("modules.cloudHub.upstream")
        .contains(dir.resolve("up/ca.crt").toString())
        .doesNotContain("Exception");
  }

  @Test
  void token_printsAKubeEdgeJoinToken() throws Exception {
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(
        config,
        "modules:\n  cloudHub:\n    tlsCAFile: ca/rootCA.crt\n    tlsCAKeyFile: ca/rootCA.key\n");

    Run r = run("token", "--config", config.toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out().strip())
        .matches("[0-9a-f]{64}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  }

  @Test
  void examples_fitTogether() throws Exception {
    CloudHubSettings cloud = CloudHubConfig.load(Path.of("../examples/cloudcore.yaml"));
    EdgeHubSettings edge = EdgeHubSettings.load(Path.of("../examples/edgecore.yaml"));

    assertThat(edge.websocket().server().port()).isEqualTo(cloud.websocket().port());
    assertThat(cloud.advertiseAddresses())
        .extracting(InetAddress::getHostAddress)
        .contains(edge.websocket().server().host());
    assertThat(edge.httpServer().getPort()).isEqualTo(cloud.https().port());
    assertThat(edge.tokenFile()).contains(cloud.joinTokenFile().orElseThrow());
  }
}
