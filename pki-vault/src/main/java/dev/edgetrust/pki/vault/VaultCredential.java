package dev.edgetrust.pki.vault;

import dev.edgetrust.pki.PkiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Where the Vault token for a request comes from: a token file (read on every use), a static token,
 * or a login (AppRole, TLS certificate, Kubernetes service account) whose token is cached for part
 * of its lease.
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

  /** Where the token comes from, for messages: {@code Vault token in /etc/edgetrust/vault-token}. */
  String description();

  /** What a person should do when Vault says the token is expired or revoked. */
  String remedy();

  /** A token kept in {@code file}, read on every use so that an operator may replace it at any time. */
  static VaultCredential tokenFile(Path file) {
    return new TokenFile(file);
  }

  /**
   * A token held in memory.
   *
   * @param origin where it came from, for messages (e.g. {@code VAULT_TOKEN}); never the token
   */
  static VaultCredential token(String token, String origin) {
    return new StaticToken(token, origin);
  }

  /** AppRole login at {@code auth/<mount>/login} with a role_id and the secret_id kept in a file. */
  static VaultCredential appRole(String mount, String roleId, Path secretIdFile, Clock clock) {
    return LoginCredential.appRole(mount, roleId, secretIdFile, clock);
  }

  /**
   * TLS certificate login at {@code auth/<mount>/login}: the connection's client certificate is
   * the proof. {@code certRole} picks one of the method's trusted certificate entries, if given.
   */
  static VaultCredential certificate(String mount, Optional<String> certRole, Clock clock) {
    return LoginCredential.certificate(mount, certRole, clock);
  }

  /** Kubernetes login at {@code auth/<mount>/login} with a service-account JWT read from a file. */
  static VaultCredential kubernetes(String mount, String role, Path jwtFile, Clock clock) {
    return LoginCredential.kubernetes(mount, role, jwtFile, clock);
  }

  /**
   * The token as the {@code vault} CLI would find it: {@code --token-file} if given, else {@code
   * VAULT_TOKEN}, else the CLI's own {@code ~/.vault-token}.
   *
   * @throws IllegalArgumentException if there is none, saying how to provide one
   */
  static VaultCredential fromEnvironment(Map<String, String> env, VaultFlags flags) {
    if (flags.tokenFile().isPresent()) {
      return tokenFile(flags.tokenFile().get());
    }
    String token = env.get("VAULT_TOKEN");
    if (token != null && !token.isBlank()) {
      return token(token.trim(), "VAULT_TOKEN");
    }
    String home = env.get("HOME");
    if (home != null && !home.isBlank()) {
      Path helper = Path.of(home, ".vault-token");
      if (Files.isRegularFile(helper)) {
        return tokenFile(helper);
      }
    }
    throw new IllegalArgumentException(
        "no Vault token: pass --token-file FILE or set VAULT_TOKEN (or log in with the vault CLI, which writes ~/.vault-token)");
  }
}
