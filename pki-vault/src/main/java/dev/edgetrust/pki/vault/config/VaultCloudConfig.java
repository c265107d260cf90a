package dev.edgetrust.pki.vault.config;

import dev.edgetrust.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code modules.cloudHub.pki.vault}: how the CloudHub and its certificate agent reach Vault, read
 * when {@code modules.cloudHub.pki.provider} is {@code vault}.
 *
 * <pre>
 * pki:
 *   provider: vault
 *   vault:
 *     address: https://vault.vault.svc:8200
 *     serverCA: /etc/edgetrust/vault-ca.pem   # CA of Vault's own HTTPS certificate
 *     mount: pki
 *     role: cloudhub           # the role server certificates are signed with
 *     authMethod: kubernetes   # token | approle | kubernetes
 *     tokenFile: ...           # token
 *     approle: {roleId: ..., secretIdFile: ..., mount: approle}
 *     kubernetes: {role: edgetrust-cloudhub, jwtFile: ..., mount: kubernetes}
 *     serverCertificateTtl: 72h
 * </pre>
 */
public final class VaultCloudConfig {
  private VaultCloudConfig() {}

  /** How the CloudHub and its certificate agent reach Vault. */
  public record Vault(
      String address,
      String serverCA,
      String mount,
      String role,
      String authMethod,
      String tokenFile,
      AppRole approle,
      Kubernetes kubernetes,
      String serverCertificateTtl) {
    public Vault {
      mount = Settings.orDefault(mount, "pki");
      role = Settings.orDefault(role, "cloudhub");
      authMethod = Settings.orDefault(authMethod, "token").toLowerCase(Locale.ROOT);
      switch (authMethod) {
        case "token" -> {
          if (tokenFile == null || tokenFile.isBlank()) {
            throw new IllegalArgumentException(
                "'tokenFile' is required when 'authMethod' is token");
          }
        }
        case "approle" -> {
          if (approle == null || approle.roleId() == null || approle.secretIdFile() == null) {
            throw new IllegalArgumentException(
                "'approle.roleId' and 'approle.secretIdFile' are required when 'authMethod' is approle");
          }
        }
        case "kubernetes" ->
            kubernetes = kubernetes == null ? new Kubernetes(null, null, null) : kubernetes;
        default ->
            throw new IllegalArgumentException(
                "'authMethod' must be token, approle or kubernetes, was '" + authMethod + "'");
      }
      Settings.duration("serverCertificateTtl", serverCertificateTtl, Duration.ofHours(72));
      if (address != null && !address.isBlank()) {
        URI uri = URI.create(address.trim());
        if (uri.getHost() == null
            || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
          throw new IllegalArgumentException(
              "'address' must be an http(s):// URL, was '" + address + "'");
        }
      }
    }

    public Duration serverCertificateLifetime() {
      return Settings.duration("serverCertificateTtl", serverCertificateTtl, Duration.ofHours(72));
    }

    public Path serverCaPath(Path base) {
      return serverCA == null || serverCA.isBlank() ? null : Settings.resolve(base, serverCA);
    }

    public Path tokenPath(Path base) {
      return tokenFile == null || tokenFile.isBlank() ? null : Settings.resolve(base, tokenFile);
    }
  }

  /** AppRole login: the role id, and a file holding the secret id. */
  public record AppRole(String roleId, String secretIdFile, String mount) {
    public AppRole {
      mount = Settings.orDefault(mount, "approle");
    }
  }

  /** Kubernetes login with the pod's service-account token. */
  public record Kubernetes(String role, String jwtFile, String mount) {
    public Kubernetes {
      role = Settings.orDefault(role, "edgetrust-cloudhub");
      jwtFile = Settings.orDefault(jwtFile, "/var/run/secrets/kubernetes.io/serviceaccount/token");
      mount = Settings.orDefault(mount, "kubernetes");
    }
  }
}
