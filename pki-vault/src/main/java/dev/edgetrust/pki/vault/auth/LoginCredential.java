package dev.edgetrust.pki.vault.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.http.Tokens;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultPaths;
import dev.edgetrust.pki.vault.http.VaultResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token obtained by logging in to an auth method, cached until two thirds of its lease have
 * passed (as Vault Agent does), then obtained again. Proof material (secret_id, JWT) is read from
 * its file at each login, so it too may be replaced at any time.
 */
final class LoginCredential implements VaultCredential {
  private static final Logger log = LoggerFactory.getLogger(LoginCredential.class);

  /** Builds the login body; may read files. */
  interface LoginBody {
    ObjectNode build(VaultClient client) throws PkiException;
  }

  private final String path;
  private final LoginBody body;
  private final String description;
  private final String remedy;
  private final Clock clock;

  private String token;
  private Instant refreshAt = Instant.MIN;

  private LoginCredential(
      String path, LoginBody body, String description, String remedy, Clock clock) {
    this.path = path;
    this.body = body;
    this.description = description;
    this.remedy = remedy;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  static LoginCredential appRole(String mount, String roleId, Path secretIdFile, Clock clock) {
    String m = VaultPaths.mount(mount, "AppRole mount");
    if (roleId == null || roleId.isBlank()) {
      throw new IllegalArgumentException("AppRole role_id is empty");
    }
    String path = "auth/" + m + "/login";
    return new LoginCredential(
        path,
        client -> {
          ObjectNode body = VaultClient.object();
          body.put("role_id", roleId.strip());
          body.put(
              "secret_id",
              readOwnerOnlySecret(secretIdFile, "AppRole secret_id file", "the node's secret_id"));
          return body;
        },
        "AppRole login at " + path + " (secret_id in " + secretIdFile + ")",
        "write a new secret_id to " + secretIdFile,
        clock);
  }

  static LoginCredential certificate(String mount, Optional<String> certRole, Clock clock) {
    String m = VaultPaths.mount(mount, "cert auth mount");
    certRole.ifPresent(r -> VaultPaths.name(r, "cert auth role"));
    String path = "auth/" + m + "/login";
    return new LoginCredential(
        path,
        client -> {
          if (client.connection().clientCertificate().isEmpty() || !client.connection().isTls()) {
            throw PkiException.refused(
                "certificate login at "
                    + path
                    + " needs an https Vault address and a client certificate to present");
          }
          ObjectNode body = VaultClient.object();
          certRole.ifPresent(r -> body.put("name", r));
          return body;
        },
        "certificate login at " + path,
        "check that the node's certificate is valid and trusted by the cert auth role"
            + certRole.map(r -> " " + r).orElse(""),
        clock);
  }

  static LoginCredential kubernetes(String mount, String role, Path jwtFile, Clock clock) {
    String m = VaultPaths.mount(mount, "Kubernetes auth mount");
    VaultPaths.name(role, "Kubernetes auth role");
    String path = "auth/" + m + "/login";
    return new LoginCredential(
        path,
        client -> {
          ObjectNode body = VaultClient.object();
          body.put("role", role);
          body.put(
              "jwt", readSecret(jwtFile, "service account token file", "a service account token"));
          return body;
        },
        "Kubernetes login at " + path + " as role " + role + " (JWT in " + jwtFile + ")",
        "check the service account token in " + jwtFile + " and the role's bound service accounts",
        clock);
  }

  /**
   * A secret this process's operator put there, checked like a private key. (Not the service
   * account token: Kubernetes mounts that, with its own modes, and it is no file of ours to chmod.)
   */
  private static String readOwnerOnlySecret(Path file, String what, String content)
      throws PkiException {
    try {
      SecretFiles.requireOwnerOnly(file);
    } catch (CredentialFileException e) {
      throw PkiException.refused(what + " " + e.getMessage());
    }
    return readSecret(file, what, content);
  }

  private static String readSecret(Path file, String what, String content) throws PkiException {
    try {
      return Tokens.check(Files.readString(file, StandardCharsets.US_ASCII), what + " " + file);
    } catch (NoSuchFileException e) {
      throw PkiException.refused(
          what + " " + file + " does not exist: write " + content + " to it");
    } catch (IOException e) {
      throw PkiException.refused(
          "cannot read " + what + " " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public synchronized String token(VaultClient client) throws PkiException {
    Instant now = clock.instant();
    if (token != null && now.isBefore(refreshAt)) {
      return token;
    }
    VaultAuth auth;
    try {
      VaultResponse response = client.login(path, body.build(client));
      auth = VaultAuth.parse(response.auth().orElse(null), path);
    } catch (PkiException e) {
      if (e.isRetryable()) {
        throw e;
      }
      throw PkiException.refused(description + " was refused (" + e.getMessage() + "): " + remedy);
    }
    token = auth.clientToken();
    Duration lease = auth.leaseDuration();
    refreshAt = lease.isZero() ? Instant.MAX : now.plus(lease.multipliedBy(2).dividedBy(3));
    log.info(
        "logged in to Vault at {}: token accessor {}, lease {}, policies {}",
        path,
        auth.accessor(),
        lease,
        auth.policies());
    return token;
  }

  @Override
  public synchronized boolean invalidate() {
    boolean had = token != null;
    token = null;
    refreshAt = Instant.MIN;
    return had;
  }

  @Override
  public String description() {
    return "the token from " + description;
  }

  @Override
  public String remedy() {
    return remedy;
  }

  @Override
  public String toString() {
    return "LoginCredential[" + path + "]";
  }
}
