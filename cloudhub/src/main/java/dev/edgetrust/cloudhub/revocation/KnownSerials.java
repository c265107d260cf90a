package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.pki.IssuedSerialInventory;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import java.math.BigInteger;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The certificate serials known for a node: those the CloudHub saw or issued ({@link
 * NodeInventory}) and those the PKI remembers issuing, where it keeps such a list. What a block or
 * reset revokes, and what makes a name "in use" for a join token.
 */
final class KnownSerials {
  /**
   * @param serials ascending
   * @param pkiFailure why the PKI's own list could not be read, if it could not; the CloudHub's
   *     inventory still counts then
   */
  record Known(Set<BigInteger> serials, Optional<String> pkiFailure) {}

  private final NodeInventory inventory;
  private final PkiProvider provider;

  KnownSerials(NodeInventory inventory, PkiProvider provider) {
    this.inventory = inventory;
    this.provider = provider;
  }

  Known of(NodeName node) {
    Set<BigInteger> serials = new TreeSet<>(inventory.serials(node));
    Optional<IssuedSerialInventory> pki = provider.inventory();
    if (pki.isEmpty()) {
      return new Known(serials, Optional.empty());
    }
    try {
      serials.addAll(pki.get().issuedSerials(node));
      return new Known(serials, Optional.empty());
    } catch (PkiException e) {
      return new Known(serials, Optional.of(e.getMessage()));
    }
  }

  String pkiName() {
    return provider.name();
  }
}
