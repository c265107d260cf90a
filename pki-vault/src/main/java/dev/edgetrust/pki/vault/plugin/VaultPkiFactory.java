package dev.edgetrust.pki.vault.plugin;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.CloudPkiContext;
import dev.edgetrust.pki.EdgePki;
import dev.edgetrust.pki.EdgePkiContext;
import dev.edgetrust.pki.NodeEnrollment;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.vault.admin.VaultCommand;
import dev.edgetrust.pki.vault.admin.VaultNodeEnrollment;
import dev.edgetrust.pki.vault.config.VaultSettings;
import java.util.List;
import java.util.Optional;

/**
 * HashiCorp Vault's PKI secrets engine as a plug-in, {@code pki.provider: vault}. Cloud side:
 * {@code modules.cloudHub.pki.vault} (the CloudHub signs its server certificates and blocks nodes
 * through Vault). Edge side: {@code modules.edgeHub.vault} with {@code enable: true}, where each
 * node asks Vault for its certificates with its own credential. Commands: {@code vault ...} and
 * {@code enroll}.
 */
public final class VaultPkiFactory implements PkiProviderFactory {
  public static final String NAME = "vault";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CloudPki cloud(CloudPkiContext context) throws ConfigException {
    return CloudVault.from(context);
  }

  @Override
  public Optional<EdgePki> edge(EdgePkiContext context) throws ConfigException {
    Optional<VaultSettings> settings = VaultSettings.from(context);
    return settings.map(s -> new VaultEdge(s, context));
  }

  @Override
  public Optional<NodeEnrollment> enrollment() {
    return Optional.of(new VaultNodeEnrollment());
  }

  /** {@code edgetrust vault setup}. */
  @Override
  public List<Object> commands() {
    return List.of(new VaultCommand());
  }

  /**
   * The certificate agent writes the CloudHub's server certificate from the {@code cloudhub} role.
   */
  @Override
  public boolean signsCloudHubCertificate() {
    return true;
  }

  @Override
  public Optional<String> ownEnrollment() {
    return Optional.of(
        "./edgetrust enroll NODE (without --config; VAULT_ADDR and VAULT_TOKEN set)");
  }
}
