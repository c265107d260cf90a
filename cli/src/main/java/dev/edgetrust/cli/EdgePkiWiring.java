package dev.edgetrust.cli;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.enrollment.CertificateIssuer;
import dev.edgetrust.edgehub.enrollment.PkiIssuer;
import dev.edgetrust.pki.EdgePki;
import dev.edgetrust.pki.NodeIssuance;
import java.time.Clock;
import java.util.Optional;

/**
 * The issuer of an EdgeHub whose node asks a PKI itself ({@code modules.edgeHub.NAME} enabled, as
 * {@link EdgeHubSettings#pki()} says): the PKI started by its plug-in, under the EdgeHub's generic
 * {@link PkiIssuer}. The EdgeHub depends on no PKI; this is where the CLI wires one in, by name.
 */
final class EdgePkiWiring implements AutoCloseable {
  private final NodeIssuance issuance;
  private final PkiIssuer issuer;

  private EdgePkiWiring(NodeIssuance issuance, PkiIssuer issuer) {
    this.issuance = issuance;
    this.issuer = issuer;
  }

  /**
   * Starts the PKI the settings name, if they name one.
   *
   * @return empty when the node enrolls through the CloudHub's bootstrap
   * @throws ConfigException one line naming the file and key, if the PKI cannot be started as set
   */
  static Optional<EdgePkiWiring> start(EdgeHubSettings settings) throws ConfigException {
    Optional<EdgePki> pki = settings.pki();
    if (pki.isEmpty()) {
      return Optional.empty();
    }
    NodeIssuance issuance = pki.get().start();
    return Optional.of(
        new EdgePkiWiring(
            issuance,
            new PkiIssuer(
                settings.nodeName(),
                issuance,
                settings.caFile(),
                settings.credentialFiles(),
                Clock.systemUTC())));
  }

  CertificateIssuer issuer() {
    return issuer;
  }

  NodeIssuance issuance() {
    return issuance;
  }

  @Override
  public void close() {
    issuance.provider().close();
  }
}
