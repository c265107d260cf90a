package dev.edgetrust.pki.vault.http;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a person passed on the command line about Vault. Each flag, when given, wins over the Vault
 * CLI's environment variable for the same thing, as with the {@code vault} command itself.
 *
 * @param address {@code --address}, over {@code VAULT_ADDR}
 * @param tokenFile {@code --token-file}, over {@code VAULT_TOKEN}
 * @param caCert {@code --ca-cert}, over {@code VAULT_CACERT}
 */
public record VaultFlags(
    Optional<String> address, Optional<Path> tokenFile, Optional<Path> caCert) {
  public static final VaultFlags NONE =
      new VaultFlags(Optional.empty(), Optional.empty(), Optional.empty());

  public VaultFlags {
    address = address.filter(a -> !a.isBlank());
  }
}
