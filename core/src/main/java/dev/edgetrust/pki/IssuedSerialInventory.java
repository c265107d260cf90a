package dev.edgetrust.pki;

import java.math.BigInteger;
import java.util.Set;

/**
 * A PKI that remembers which certificates it issued to which node (the built-in CA keeps such an
 * inventory; Vault keeps none): an optional capability of a {@link PkiProvider}, offered through
 * {@link PkiProvider#inventory()}. Blocking revokes these serials as well as the ones the CloudHub
 * saw, and a name with a valid certificate here is in use.
 */
public interface IssuedSerialInventory {
  /** The serials of the certificates this PKI remembers issuing to {@code node}. */
  Set<BigInteger> issuedSerials(NodeName node) throws PkiException;
}
