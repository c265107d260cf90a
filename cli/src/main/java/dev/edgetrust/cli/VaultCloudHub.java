package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.CloudHubException;
import dev.edgetrust.cloudhub.CloudHubListener;
import dev.edgetrust.cloudhub.CloudHubSettings;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SerialNumbers;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.VaultClient;
import dev.edgetrust.pki.vault.VaultCredential;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * A CloudHub on a Vault PKI, as the demo (and tests) run one in-process: it trusts Vault's CA for
 * node certificates, and serves a server certificate signed by Vault's {@code cloudhub} role for a
 * key made here, written to its {@code tlsCertFile}/{@code tlsPrivateKeyFile} before it starts (a
 * provider without a KubeEdge bootstrap makes the CloudHub read them) and rewritten to rotate it.
 * In a deployment the certificate agent does the writing (issue 4); this is the same file contract.
 */
final class VaultCloudHub implements AutoCloseable {
  static final String COMMON_NAME = "cloudhub";

  private final CloudHubSettings settings;
  private final VaultPkiProvider serverRole;
  private final Duration serverTtl;
  private final CloudHub hub;

  private VaultCloudHub(CloudHubSettings settings, VaultPkiProvider serverRole, Duration serverTtl, CloudHub hub) {
    this.settings = settings;
    this.serverRole = serverRole;
    this.serverTtl = serverTtl;
    this.hub = hub;
  }

  /**
   * Writes Vault's CA and a Vault-signed server certificate where {@code settings} says, then starts
   * the CloudHub on them.
   *
   * @param operator a credential allowed to sign with {@code <mount>/sign/cloudhub}
   */
  static VaultCloudHub start(
      CloudHubSettings settings, VaultClient client, VaultCredential operator, String mount, Duration serverTtl,
      CloudHubListener listener) throws PkiException, IOException, CloudHubException {
    VaultPkiProvider provider = VaultPkiProvider.create(client, operator, mount, VaultSetup.CLOUDHUB_ROLE);
    // The CA file is what the CloudHub reloads its trust anchors from: Vault's CA.
    AtomicFile.writePublic(settings.caCertificateFile(),
        Pem.certificates(provider.trustAnchors()).getBytes(StandardCharsets.US_ASCII));
    writeServerCertificate(settings, provider, serverTtl);
    CloudHub hub = CloudHub.start(settings, provider, listener, Clock.systemUTC());
    return new VaultCloudHub(settings, provider, serverTtl, hub);
  }

  private static HeldCertificate writeServerCertificate(
      CloudHubSettings settings, VaultPkiProvider provider, Duration ttl) throws PkiException, IOException {
    KeyPair key = Keys.newP256();
    Csr csr = Csr.create(key, new X500Principal("CN=" + COMMON_NAME));
    IssuedCertificate issued = provider.sign(SigningRequest.forServer(
        COMMON_NAME, csr, settings.dnsNames(), settings.advertiseAddresses(), ttl));
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(issued.certificate());
    chain.addAll(issued.caChain());
    HeldCertificate held = new HeldCertificate(key.getPrivate(), chain);
    new KeyCertificateFiles(settings.serverKeyFile(), settings.serverCertificateFile()).write(held);
    return held;
  }

  CloudHub hub() {
    return hub;
  }

  /**
   * Gets a new server certificate from Vault, writes it over the old one, and puts it into service
   * for new handshakes; live sessions stay.
   *
   * @return the serials, old and new
   */
  Rotation rotateServerCertificate() throws PkiException, IOException {
    String old = SerialNumbers.toColonHex(hub.serverCertificate().getSerialNumber());
    HeldCertificate fresh = writeServerCertificate(settings, serverRole, serverTtl);
    // The CloudHub's file watcher may get there first; either way, what counts is what is served.
    hub.reloadCredentials();
    String now = SerialNumbers.toColonHex(hub.serverCertificate().getSerialNumber());
    return new Rotation(old, fresh.serialHex(), now.equals(fresh.serialHex()));
  }

  /** A server-certificate rotation: {@code inService} when the new serial is what handshakes now get. */
  record Rotation(String oldSerial, String newSerial, boolean inService) {}

  @Override
  public void close() {
    hub.close();
    serverRole.close();
  }
}
