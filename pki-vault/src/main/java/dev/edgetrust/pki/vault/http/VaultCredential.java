package dev.edgetrust.pki.vault.http;

import dev.edgetrust.pki.PkiException;

/**
 * Where the Vault token for a request comes from (the implementations and their factories are in
 * {@code pki.vault.auth}): a token file (read on every use), a static token, or a login (AppRole,
 * TLS certificate, Kubernetes service account) whose token is cached for part of its lease.
 *
 * <p>Implementations never log a token and never put one in an exception message; {@link
 * #description()} names the source, not the secret.
 */
public interface VaultCredential {
  /**
   * The token to send now. May read a file or log in through {@code client}.
   *
   * @throws PkiException if no token can be had; the message says what to do about it
   */
  String token(VaultClient client) throws PkiException;

  /**
   * Forgets a cached token after Vault refused it, so that the next {@link #token} logs in again.
   *
   * @return whether there was something to forget (and so whether asking again may help)
   */
  default boolean invalidate() {
    return false;
  }

  /**
   * Where the token comes from, for messages: {@code Vault token in /etc/edgetrust/vault-token}.
   */
  String description();

  /** What a person should do when Vault says the token is expired or revoked. */
  String remedy();
}
