package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.vault.testkit.VaultStandIn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo --pki vault}, against the Vault stand-in: every step holds. */
class VaultDemoTest {
  @TempDir Path dir;

  @Test
  void vaultDemo_againstTheStandIn_holdsEveryStep() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean held;
    try (VaultStandIn vault = VaultStandIn.start()) {
      Path ca = vault.writeServerCa(dir.resolve("vault-tls-ca.pem"));
      VaultDemo demo =
          new VaultDemo(
              new PrintStream(bytes, true, StandardCharsets.UTF_8),
              VaultConnection.builder(vault.address()).serverCa(ca).build(),
              VaultCredentials.token(vault.rootToken(), "the stand-in's root token"),
              Duration.ofSeconds(10));
      held = demo.run();
    }
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(held).as(out).isTrue();
    assertThat(out)
        .contains("Vault set up as 'edgetrust vault setup' does")
        .contains("3 nodes enrolled as 'edgetrust enroll' does")
        .contains("3 nodes got certificates from Vault and connected")
        .contains(
            "refused: edge-node-3's token asks Vault for edge-node-1's certificate on edge-node-1's role")
        .contains("permission denied on pki/sign/edge-node-edge-node-1")
        .contains(
            "edge-node-1 renewed its certificate with Vault before it expired and reconnected on it")
        .contains("CloudHub server certificate rotated via Vault while the nodes stayed connected")
        .contains("All 14 steps held.")
        .doesNotContain("[FAILED]");
  }

  @Test
  void withoutVaultAddrOrToken_oneLineSaysHowToStartADevServer() {
    assertThatThrownBy(
            () ->
                VaultDemo.fromEnvironment(
                    System.out,
                    Map.of("VAULT_ADDR", "http://127.0.0.1:8200"),
                    Duration.ofSeconds(20)))
        .isInstanceOf(UserErrors.UserException.class)
        .hasMessageContaining("vault server -dev")
        .hasMessageContaining("VAULT_TOKEN");
  }
}
