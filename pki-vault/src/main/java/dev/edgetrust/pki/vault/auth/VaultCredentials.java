package dev.edgetrust.pki.vault.auth;

import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The ways to get a {@link VaultCredential}: the client only asks one for a token and tells it when
 * Vault refused that token; the logins and token sources themselves live here, above the client.
 */
public final class VaultCredentials {
  private VaultCredentials() {}

  /**
   * A token kept in {@code file}, read on every use so that an operator may replace it at any time.
   */
  public static VaultCredential tokenFile(Path file) {
    return new TokenFile(file);
  }

  /**
   * A token held in memory.
   *
   * @param origin where it came from, for messages (e.g. {@code VAULT_TOKEN}); never the token
   */
  public static VaultCredential token(String token, String origin) {
    return new StaticToken(token, origin);
  }

  /**
   * AppRole login at {@code auth/<mount>/login} with a role_id and the secret_id kept in a file.
   */
  public static VaultCredential appRole(
      String mount, String roleId, Path secretIdFile, Clock clock) {
    return LoginCredential.appRole(mount, roleId, secretIdFile, clock);
  }

  /**
   * TLS certificate login at {@code auth/<mount>/login}: the connection's client certificate is the
   * proof. {@code certRole} picks one of the method's trusted certificate entries, if given.
   */
  public static VaultCredential certificate(String mount, Optional<String> certRole, Clock clock) {
    return LoginCredential.certificate(mount, certRole, clock);
  }

  /** Kubernetes login at {@code auth/<mount>/login} with a service-account JWT read from a file. */
  public static VaultCredential kubernetes(String mount, String role, Path jwtFile, Clock clock) {
    return LoginCredential.kubernetes(mount, role, jwtFile, clock);
  }

  /**
   * The token as the {@code vault} CLI would find it: {@code --token-file} if given, else {@code
   * VAULT_TOKEN}, else the CLI's own {@code ~/.vault-token}.
   *
   * @throws IllegalArgumentException if there is none, saying how to provide one
   */
  public static VaultCredential fromEnvironment(Map<String, String> env, VaultFlags flags) {
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
