package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.credential.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11: a secret file others may read, or whose directory they may write, stops the CloudHub
 * and the EdgeHub at start through the real commands: exit 1, one line naming the file and the
 * chmod that fixes it, no stack trace. (The machine runs tests as root, so this is about the mode
 * bits, not about whether someone else could actually read.)
 */
class SecretFileModesTest {
  @TempDir Path dir;
  Path ca;
  Path caKey;
  Path cloudConfig;

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

  @BeforeEach
  void aCloudHubWithItsCa() throws Exception {
    ca = dir.resolve("ca");
    caKey = ca.resolve("rootCA.key");
    cloudConfig = dir.resolve("cloudcore.yaml");
    Files.writeString(
        cloudConfig,
        """
        modules:
          cloudHub:
            tlsCAFile: ca/rootCA.crt
            tlsCAKeyFile: ca/rootCA.key
            tlsCertFile: certs/server.crt
            tlsPrivateKeyFile: certs/server.key
            websocket: {address: 127.0.0.1, port: 0}
            https: {address: 127.0.0.1, port: 0}
        """);
    // The first use makes the CA: key and join-token key 0600 in a 0700 directory.
    assertThat(run("token", "--config", cloudConfig.toString()).exit()).isZero();
    assertThat(Files.getPosixFilePermissions(caKey))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  private static void assertOneLine(Run r, String expected) {
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("edgetrust: " + expected);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void caKeyReadableByOthers_stopsTheCloudHubWithOneLineAndTheChmod() throws Exception {
    Files.setPosixFilePermissions(caKey, PosixFilePermissions.fromString("rw-r--r--"));

    Run r = run("cloudhub", "--config", cloudConfig.toString());

    assertOneLine(r, caKey + " is readable by group/others (mode 0644); run: chmod 600 " + caKey);
  }

  @Test
  void joinTokenKeyReadableByOthers_stopsTheCloudHub() throws Exception {
    Path joinTokenKey = ca.resolve("join-token.key");
    Files.setPosixFilePermissions(joinTokenKey, PosixFilePermissions.fromString("rw-r--r--"));

    Run r = run("cloudhub", "--config", cloudConfig.toString());

    assertOneLine(
        r,
        joinTokenKey + " is readable by group/others (mode 0644); run: chmod 600 " + joinTokenKey);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rwxrwxr-x", "rwxrwxrwx"})
  void caDirectoryWritableByOthers_stopsTheCloudHub(String mode) throws Exception {
    Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString(mode));
    String octal = mode.equals("rwxrwxrwx") ? "0777" : "0775";

    Run r = run("cloudhub", "--config", cloudConfig.toString());

    assertOneLine(
        r,
        ca
            + " (the directory of rootCA.key) is writable by group/others (mode "
            + octal
            + "); run: chmod go-w "
            + ca);
  }

  @Test
  void aDirectoryOthersMayOnlyRead_isFine_asWithSsh() throws Exception {
    Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(run("token", "--config", cloudConfig.toString()).exit()).isZero();
  }

  @Test
  void adminTokenFileReadableByOthers_stopsTheCloudHub() throws Exception {
    Path adminToken = dir.resolve("admin/admin-token");
    AtomicFile.writeSecret(
        adminToken, "0123456789abcdef0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII));
    Files.setPosixFilePermissions(adminToken, PosixFilePermissions.fromString("rw-r-----"));
    Files.writeString(
        cloudConfig,
        Files.readString(cloudConfig)
            + "    admin: {enable: true, address: 127.0.0.1, port: 0, tokenFile: admin/admin-token}\n");

    Run r = run("cloudhub", "--config", cloudConfig.toString());

    assertOneLine(
        r,
        "admin.tokenFile "
            + adminToken
            + " is readable by group/others (mode 0640); run: chmod 600 "
            + adminToken);
  }

  @Test
  void edgeNodeKeyReadableByOthers_stopsTheEdgeHub() throws Exception {
    Path certs = dir.resolve("edge/certs");
    Path nodeKey = certs.resolve("server.key");
    AtomicFile.writeSecret(
        nodeKey,
        "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"
            .getBytes(StandardCharsets.US_ASCII));
    Files.setPosixFilePermissions(nodeKey, PosixFilePermissions.fromString("rw-r--r--"));
    Path edgeConfig = dir.resolve("edgecore.yaml");
    Files.writeString(
        edgeConfig,
        """
        modules:
          edged:
            hostnameOverride: edge-node-1
          edgeHub:
            httpServer: https://127.0.0.1:1
            tlsCaFile: edge/ca/rootCA.crt
            tlsCertFile: edge/certs/server.crt
            tlsPrivateKeyFile: edge/certs/server.key
            tokenFile: edge/join-token
            websocket: {server: "127.0.0.1:1"}
        """);

    Run r = run("edgehub", "--config", edgeConfig.toString());

    assertOneLine(
        r, nodeKey + " is readable by group/others (mode 0644); run: chmod 600 " + nodeKey);
  }
}
