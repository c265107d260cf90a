package dev.edgetrust.cli;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.SecretFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.edgetrust.cloudhub.CloudHubConfig;
import dev.edgetrust.cloudhub.PkiConfig;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.VaultClient;
import dev.edgetrust.pki.vault.VaultConnection;
import dev.edgetrust.pki.vault.VaultCredential;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultTokens;
import dev.edgetrust.pki.vault.TokenInfo;
import dev.edgetrust.config.Settings;
import java.net.URI;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud side's Vault, from {@code modules.cloudHub.pki.vault}: one client and one credential
 * for the CloudHub and its certificate agent.
 */
final class CloudVault {
  private static final Logger log = LoggerFactory.getLogger(CloudVault.class);

  private final VaultClient client;
  private final VaultCredential credential;
  private final PkiConfig.Vault config;

  private CloudVault(VaultClient client, VaultCredential credential, PkiConfig.Vault config) {
    this.client = client;
    this.credential = credential;
    this.config = config;
  }

  static CloudVault from(CloudHubConfig.Loaded loaded) throws UserErrors.UserException {
    PkiConfig.Vault vault = loaded.pki().vault();
    if (!loaded.pki().provider().equals(PkiConfig.VAULT) || vault == null) {
      throw new UserErrors.UserException(
          loaded.file() + ": 'modules.cloudHub.pki.provider' is " + loaded.pki().provider()
              + "; the certificate agent serves an external PKI (set it to vault, with pki.vault)");
    }
    VaultConnection.Builder connection = VaultConnection.builder(URI.create(vault.address().trim()));
    if (vault.serverCaPath(loaded.baseDirectory()) != null) {
      connection.serverCa(vault.serverCaPath(loaded.baseDirectory()));
    }
    // The CloudHub reads its Vault credential only when it needs Vault (a block, a CRL), the agent
    // at once: both refuse a loose token or secret_id file at start, not at first use.
    List<Path> secrets = new ArrayList<>();
    switch (vault.authMethod()) {
      case "approle" -> secrets.add(Settings.resolve(loaded.baseDirectory(), vault.approle().secretIdFile()));
      case "kubernetes" -> { } // mounted by Kubernetes with its own modes: not ours to chmod
      default -> secrets.add(vault.tokenPath(loaded.baseDirectory()));
    }
    for (Path secret : secrets) {
      try {
        SecretFiles.requireOwnerOnly(secret);
      } catch (CredentialFileException e) {
        throw new UserErrors.UserException(e.getMessage());
      }
    }
    VaultCredential credential =
        switch (vault.authMethod()) {
          case "approle" -> VaultCredential.appRole(vault.approle().mount(), vault.approle().roleId(),
              Settings.resolve(loaded.baseDirectory(), vault.approle().secretIdFile()), Clock.systemUTC());
          case "kubernetes" -> VaultCredential.kubernetes(vault.kubernetes().mount(), vault.kubernetes().role(),
              Settings.resolve(loaded.baseDirectory(), vault.kubernetes().jwtFile()), Clock.systemUTC());
          default -> VaultCredential.tokenFile(vault.tokenPath(loaded.baseDirectory()));
        };
    return new CloudVault(VaultClient.connect(connection.build()), credential, vault);
  }

  /** The CloudHub's provider: signs server certificates with the cloudhub role; blocks through node roles. */
  VaultPkiProvider provider() {
    return VaultPkiProvider.create(client, credential, config.mount(), config.role())
        .withNodeControl(VaultEnrollment.builder(client, credential).mount(config.mount()).build());
  }

  /** Logs in if the method needs it, and says who we are to Vault: accessor, TTL, policies, never the token. */
  void introduce() throws PkiException {
    TokenInfo info = new VaultTokens(client, Clock.systemUTC()).lookupSelf(credential);
    log.info("Vault {} as {}: token accessor {}, policies {}, ttl {}", client, credential.description(),
        info.accessor(), info.policies(), info.ttl());
  }

  PkiConfig.Vault config() {
    return config;
  }
}
