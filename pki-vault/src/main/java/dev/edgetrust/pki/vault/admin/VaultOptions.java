package dev.edgetrust.pki.vault.admin;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultFlags;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How an operator's command reaches Vault, as the {@code vault} CLI does: {@code VAULT_ADDR},
 * {@code VAULT_TOKEN} and {@code VAULT_CACERT} from the environment, the flags winning over them.
 */
public final class VaultOptions {
  @Option(
      names = "--address",
      paramLabel = "URL",
      description = "Vault's address (over VAULT_ADDR; default https://127.0.0.1:8200).")
  String address;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "A file holding the operator's Vault token (over VAULT_TOKEN).")
  Path tokenFile;

  @Option(
      names = "--ca-cert",
      paramLabel = "FILE",
      description = "PEM CA of Vault's TLS certificate (over VAULT_CACERT).")
  Path caCert;

  /** The environment to read; the process's own unless a test sets another. */
  public Map<String, String> env = System.getenv();

  public VaultFlags flags() {
    return new VaultFlags(
        Optional.ofNullable(address), Optional.ofNullable(tokenFile), Optional.ofNullable(caCert));
  }

  /** An operator's session: where Vault is, and the operator's token. */
  public record Session(VaultClient client, VaultCredential operator) {}

  /**
   * @throws ConfigException naming the flag or variable that is wrong or missing
   */
  public Session connect() throws ConfigException {
    try {
      VaultConnection connection = VaultConnection.fromEnvironment(env, flags()).build();
      VaultCredential operator = VaultCredentials.fromEnvironment(env, flags());
      return new Session(VaultClient.connect(connection), operator);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }
}
