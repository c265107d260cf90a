package dev.edgetrust.pki.vault;

import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultFlags;
import java.time.Duration;
import java.time.Instant;

/**
 * A real Vault named by VAULT_ADDR / VAULT_TOKEN (and VAULT_CACERT for TLS), as the vault CLI finds
 * it.
 */
final class RealVaultTarget implements VaultTarget {
  static final String HOW_TO_RUN =
      "set VAULT_ADDR and VAULT_TOKEN to run the conformance scenarios against a real Vault, e.g. "
          + "'vault server -dev -dev-root-token-id=root' then "
          + "'export VAULT_ADDR=http://127.0.0.1:8200 VAULT_TOKEN=root' and 'mvn -pl pki-vault -am verify'";

  static boolean configured() {
    String addr = System.getenv("VAULT_ADDR");
    String token = System.getenv("VAULT_TOKEN");
    return addr != null && !addr.isBlank() && token != null && !token.isBlank();
  }

  @Override
  public VaultConnection.Builder connection() {
    return VaultConnection.fromEnvironment(System.getenv(), VaultFlags.NONE);
  }

  @Override
  public VaultCredential operator() {
    return VaultCredentials.fromEnvironment(System.getenv(), VaultFlags.NONE);
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public void passTime(Duration d) {
    // A real Vault keeps its own time; scenarios await what they expect.
  }

  @Override
  public void close() {}
}
