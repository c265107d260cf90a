package dev.edgetrust.pki.vault.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultFlags;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vault CLI's conventions: VAULT_ADDR, VAULT_TOKEN, VAULT_CACERT, with flags taking precedence.
 */
class VaultEnvironmentTest {
  @TempDir Path dir;

  @Test
  void environment_isUsedWhenNoFlagIsGiven() {
    Map<String, String> env =
        Map.of(
            "VAULT_ADDR",
            "https://vault.example.test:8200/",
            "VAULT_CACERT",
            "/etc/vault/ca.pem",
            "VAULT_NAMESPACE",
            "edge");

    VaultConnection c = VaultConnection.fromEnvironment(env, VaultFlags.NONE).build();

    assertThat(c.address()).hasToString("https://vault.example.test:8200");
    assertThat(c.serverCa()).contains(Path.of("/etc/vault/ca.pem"));
    assertThat(c.namespace()).contains("edge");
  }

  @Test
  void flags_winOverTheEnvironment() {
    Map<String, String> env =
        Map.of(
            "VAULT_ADDR",
            "https://env:8200",
            "VAULT_CACERT",
            "/env/ca.pem",
            "VAULT_TOKEN",
            "s.env");
    VaultFlags flags =
        new VaultFlags(
            Optional.of("https://flag:8200"),
            Optional.of(dir.resolve("t")),
            Optional.of(Path.of("/flag/ca.pem")));

    VaultConnection c = VaultConnection.fromEnvironment(env, flags).build();
    VaultCredential credential = VaultCredentials.fromEnvironment(env, flags);

    assertThat(c.address()).hasToString("https://flag:8200");
    assertThat(c.serverCa()).contains(Path.of("/flag/ca.pem"));
    assertThat(credential.description()).isEqualTo("Vault token in " + dir.resolve("t"));
  }

  @Test
  void nothingSet_meansTheCliDefaults_andAClearErrorForTheToken() {
    assertThat(VaultConnection.fromEnvironment(Map.of(), VaultFlags.NONE).build().address())
        .hasToString("https://127.0.0.1:8200");
    assertThatThrownBy(
            () -> VaultCredentials.fromEnvironment(Map.of("HOME", dir.toString()), VaultFlags.NONE))
        .hasMessageStartingWith("no Vault token: pass --token-file FILE or set VAULT_TOKEN");
  }

  @Test
  void tokenFromEnvironment_isDescribedByItsVariable_neverShown() {
    VaultCredential c =
        VaultCredentials.fromEnvironment(Map.of("VAULT_TOKEN", "s.secret"), VaultFlags.NONE);

    assertThat(c.description()).isEqualTo("the Vault token in VAULT_TOKEN");
    assertThat(c.toString()).doesNotContain("s.secret");
  }

  @Test
  void cliTokenHelperFile_isTheLastResort() throws Exception {
    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        dir.resolve(".vault-token"),
        ("s.helper").getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(
            VaultCredentials.fromEnvironment(Map.of("HOME", dir.toString()), VaultFlags.NONE)
                .description())
        .isEqualTo("Vault token in " + dir.resolve(".vault-token"));
  }

  @Test
  void badAddress_namesWhereItCameFrom() {
    assertThatThrownBy(
            () ->
                VaultConnection.fromEnvironment(
                    Map.of("VAULT_ADDR", "vault:8200"), VaultFlags.NONE))
        .hasMessage(
            "VAULT_ADDR: 'vault:8200' is not a Vault address (expected e.g. https://vault.example.com:8200)");
    assertThatThrownBy(
            () ->
                VaultConnection.fromEnvironment(
                    Map.of(),
                    new VaultFlags(Optional.of("ftp://x"), Optional.empty(), Optional.empty())))
        .hasMessage(
            "--address: 'ftp://x' is not a Vault address (expected e.g. https://vault.example.com:8200)");
  }

  @Test
  void unreadableServerCa_isAClearError() {
    Path missing = dir.resolve("missing-ca.pem");

    assertThatThrownBy(
            () ->
                VaultClient.connect(
                    VaultConnection.builder("https://127.0.0.1:8200").serverCa(missing).build()))
        .hasMessage("cannot read Vault server CA file " + missing + " (NoSuchFileException)");
  }
}
