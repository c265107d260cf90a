package dev.edgetrust.pki.vault.auth;

import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import java.util.Objects;

/** A token held in memory, e.g. from {@code VAULT_TOKEN}. {@link #toString()} never shows it. */
final class StaticToken implements VaultCredential {
  private final String token;
  private final String origin;

  StaticToken(String token, String origin) {
    this.token = Objects.requireNonNull(token, "token").strip();
    this.origin = Objects.requireNonNull(origin, "origin");
    if (this.token.isEmpty()) {
      throw new IllegalArgumentException("the Vault token in " + origin + " is empty");
    }
    for (char c : this.token.toCharArray()) {
      if (c <= 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException(
            "the Vault token in " + origin + " contains whitespace or non-printable characters");
      }
    }
  }

  @Override
  public String token(VaultClient client) {
    return token;
  }

  @Override
  public String description() {
    return "the Vault token in " + origin;
  }

  @Override
  public String remedy() {
    return "set " + origin + " to a valid token";
  }

  @Override
  public String toString() {
    return "StaticToken[" + origin + "]";
  }
}
