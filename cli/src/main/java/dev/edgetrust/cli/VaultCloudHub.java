package dev.edgetrust.cli;

import dev.edgetrust.agent.CertificateAgent;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.SerialNumbers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * A CloudHub on a Vault PKI, as the demo (and tests) run one in-process: the certificate agent
 * writes Vault's CA and a server certificate from Vault's {@code cloudhub} role into the CloudHub's
 * {@code tlsCAFile}/{@code tlsCertFile}/{@code tlsPrivateKeyFile} before it starts, and again to
 * rotate it — the same files and the same agent as in a Kubernetes pod.
 */
final class VaultCloudHub implements AutoCloseable {
  static final String COMMON_NAME = "cloudhub";

  private final CertificateAgent agent;
  private final VaultPkiProvider provider;
  private final CloudHub hub;

  private VaultCloudHub(CertificateAgent agent, VaultPkiProvider provider, CloudHub hub) {
    this.agent = agent;
    this.provider = provider;
    this.hub = hub;
  }

  /**
   * Has the agent write Vault's CA and a Vault-signed server certificate where {@code settings}
   * says, then starts the CloudHub on them.
   *
   * @param operator a credential allowed to sign with {@code <mount>/sign/cloudhub}
   */
  static VaultCloudHub start(
      CloudHubSettings settings,
      VaultClient client,
      VaultCredential operator,
      String mount,
      Duration serverTtl,
      CloudHubListener listener)
      throws PkiException, IOException, CloudHubException {
    // The operator credential also blocks and unblocks nodes, as the node-control policy allows.
    VaultPkiProvider provider =
        VaultPkiProvider.create(client, operator, mount, VaultSetup.CLOUDHUB_ROLE)
            .withNodeControl(VaultEnrollment.builder(client, operator).mount(mount).build());
    CertificateAgent agent =
        new CertificateAgent(
            provider,
            new CertificateAgent.Target(
                settings.serverKeyFile(),
                settings.serverCertificateFile(),
                settings.caCertificateFile(),
                COMMON_NAME,
                settings.dnsNames(),
                settings.advertiseAddresses(),
                serverTtl),
            Clock.systemUTC());
    agent.renewNow();
    CloudHub hub = CloudHub.start(settings, provider, listener, Clock.systemUTC());
    return new VaultCloudHub(agent, provider, hub);
  }

  CloudHub hub() {
    return hub;
  }

  /**
   * The agent gets a new server certificate from Vault and writes it over the old one; the CloudHub
   * puts it into service for new handshakes, and live sessions stay.
   *
   * @return the serials, old and new
   */
  Rotation rotateServerCertificate() throws PkiException, IOException {
    String old = SerialNumbers.toColonHex(hub.serverCertificate().getSerialNumber());
    HeldCertificate fresh = agent.renewNow();
    boolean reloaded = hub.reloadCredentials();
    String now = SerialNumbers.toColonHex(hub.serverCertificate().getSerialNumber());
    return new Rotation(
        old, fresh.serialHex(), reloaded || now.equals(fresh.serialHex()) && !now.equals(old));
  }

  /**
   * A server-certificate rotation: {@code inService} when the new serial is what handshakes now
   * get.
   */
  record Rotation(String oldSerial, String newSerial, boolean inService) {}

  @Override
  public void close() {
    hub.close();
    provider.close();
  }
}
