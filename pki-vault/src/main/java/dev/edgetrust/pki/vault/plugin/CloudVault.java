package dev.edgetrust.pki.vault.plugin;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.Settings;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.CloudPkiContext;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.auth.TokenInfo;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.auth.VaultTokens;
import dev.edgetrust.pki.vault.config.VaultCloudConfig;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud side's Vault, from {@code modules.cloudHub.pki.vault}: one client and one credential
 * for the CloudHub and its certificate agent. The provider signs server certificates with the
 * {@code cloudhub} role and blocks nodes through their roles.
 */
final class CloudVault implements CloudPki {
  private static final Logger log = LoggerFactory.getLogger(CloudVault.class);

  private final VaultClient client;
  private final VaultCredential credential;
  private final VaultCloudConfig.Vault config;
  private final VaultPkiProvider provider;
  private final Clock clock;

  private CloudVault(
      VaultClient client, VaultCredential credential, VaultCloudConfig.Vault config, Clock clock) {
    this.client = client;
    this.credential = credential;
    this.config = config;
    this.clock = clock;
    this.provider =
        VaultPkiProvider.create(client, credential, config.mount(), config.role())
            .withNodeControl(
                VaultEnrollment.builder(client, credential).mount(config.mount()).build());
  }

  static CloudVault from(CloudPkiContext context) throws ConfigException {
    Path file = context.config().file();
    if (context.config().node(context.section()).isMissingNode()) {
      throw new ConfigException(
          file + ": '" + context.section() + ".address' is required when 'provider' is vault");
    }
    VaultCloudConfig.Vault vault =
        context.config().section(context.section(), VaultCloudConfig.Vault.class);
    if (vault.address() == null || vault.address().isBlank()) {
      throw new ConfigException(
          file + ": '" + context.section() + ".address' is required when 'provider' is vault");
    }
    Path base = context.baseDirectory();
    VaultConnection.Builder connection =
        VaultConnection.builder(URI.create(vault.address().trim()));
    if (vault.serverCaPath(base) != null) {
      connection.serverCa(vault.serverCaPath(base));
    }
    // The CloudHub reads its Vault credential only when it needs Vault (a block, a CRL), the agent
    // at once: both refuse a loose token or secret_id file at start, not at first use.
    List<Path> secrets = new ArrayList<>();
    switch (vault.authMethod()) {
      case "approle" -> secrets.add(Settings.resolve(base, vault.approle().secretIdFile()));
      case "kubernetes" -> {} // mounted by Kubernetes with its own modes: not ours to chmod
      default -> secrets.add(vault.tokenPath(base));
    }
    for (Path secret : secrets) {
      try {
        SecretFiles.requireOwnerOnly(secret);
      } catch (CredentialFileException e) {
        throw new ConfigException(e.getMessage(), e);
      }
    }
    Clock clock = context.clock();
    VaultCredential credential =
        switch (vault.authMethod()) {
          case "approle" ->
              VaultCredentials.appRole(
                  vault.approle().mount(),
                  vault.approle().roleId(),
                  Settings.resolve(base, vault.approle().secretIdFile()),
                  clock);
          case "kubernetes" ->
              VaultCredentials.kubernetes(
                  vault.kubernetes().mount(),
                  vault.kubernetes().role(),
                  Settings.resolve(base, vault.kubernetes().jwtFile()),
                  clock);
          default -> VaultCredentials.tokenFile(vault.tokenPath(base));
        };
    VaultClient client;
    try {
      client = VaultClient.connect(connection.build());
    } catch (IllegalArgumentException e) {
      // A missing or unreadable serverCA is the operator's to fix: one line, as on the edge.
      throw new ConfigException(file + ": " + context.section() + ".serverCA: " + e.getMessage());
    }
    return new CloudVault(client, credential, vault, clock);
  }

  @Override
  public PkiProvider provider() {
    return provider;
  }

  /** The agent writes the CloudHub's server certificate from Vault's {@code cloudhub} role. */
  @Override
  public Optional<Duration> serverCertificateLifetime() {
    return Optional.of(config.serverCertificateLifetime());
  }

  /**
   * Logs in if the method needs it, and says who we are to Vault: accessor, TTL, policies, never
   * the token.
   */
  @Override
  public void introduce() throws PkiException {
    TokenInfo info = new VaultTokens(client, clock).lookupSelf(credential);
    log.info(
        "Vault {} as {}: token accessor {}, policies {}, ttl {}",
        client,
        credential.description(),
        info.accessor(),
        info.policies(),
        info.ttl());
  }

  @Override
  public void close() {
    provider.close();
  }

  @Override
  public String toString() {
    return "vault " + provider;
  }
}
