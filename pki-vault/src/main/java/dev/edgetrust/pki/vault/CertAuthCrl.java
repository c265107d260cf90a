package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The PKI mount's CRL as Vault's cert auth method knows it ({@code auth/<cert>/crls/<name>}). The
 * cert auth method never fetches a CRL itself: without this copy a certificate revoked in the PKI
 * could still log in and get the node's policy. {@code vault setup --cert-auth} writes it first and
 * records where ({@link NodeRecords}); the CloudHub writes it again after every revocation it
 * makes.
 */
final class CertAuthCrl {
  private CertAuthCrl() {}

  /** {@code edgetrust-<pki mount>}: one CRL entry per PKI mount. */
  static String crlName(String pkiMount) {
    return "edgetrust-" + pkiMount.replace('/', '-');
  }

  /**
   * Copies the PKI mount's current CRL to the cert auth method recorded for it.
   *
   * @return where it was written; empty if no cert auth method is bound to the mount
   */
  static Optional<String> publish(
      VaultClient client, VaultCredential credential, NodeRecords records, String pkiMount)
      throws PkiException {
    Optional<NodeRecords.CertAuth> bound = records.certAuth();
    if (bound.isEmpty()) {
      return Optional.empty();
    }
    write(client, credential, pkiMount, bound.get());
    return Optional.of("auth/" + bound.get().mount() + "/crls/" + bound.get().crlName());
  }

  static void write(
      VaultClient client, VaultCredential credential, String pkiMount, NodeRecords.CertAuth to)
      throws PkiException {
    byte[] pem =
        client
            .readRaw(pkiMount + "/crl/pem")
            .orElseThrow(
                () -> PkiException.refused("Vault's " + pkiMount + " mount has no CRL yet"));
    ObjectNode body = VaultClient.object();
    body.put("crl", new String(pem, StandardCharsets.US_ASCII));
    client.write("auth/" + to.mount() + "/crls/" + to.crlName(), body, credential);
  }
}
