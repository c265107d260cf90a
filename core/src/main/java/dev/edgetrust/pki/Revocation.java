package dev.edgetrust.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PKI that can revoke certificates and publishes the list of those it revoked: an optional
 * capability of a {@link PkiProvider}, offered through {@link PkiProvider#revocation()}. A PKI
 * without it has revoked nothing, and the CloudHub keeps its own list for what it blocks.
 */
public interface Revocation {
  /**
   * Revokes the certificate with {@code serial}: it is in every {@link #revocationList()} from now
   * on. Revoking a serial twice is not an error.
   *
   * @return when the PKI recorded the revocation
   * @throws PkiException refused if the PKI will not revoke this serial; unavailable if it cannot
   *     answer now
   */
  Instant revoke(BigInteger serial) throws PkiException;

  /**
   * Revokes every serial in {@code serials}, each as {@link #revoke} would. The default revokes
   * them one by one; a PKI that re-signs and publishes its whole list for every revocation
   * overrides this to publish once, because a block revokes all of a node's serials together and a
   * list of 100,000 entries takes about a second to sign and write.
   *
   * @return the serials that could not be revoked, each with why; empty when all were
   */
  default Map<BigInteger, PkiException> revokeAll(Collection<BigInteger> serials) {
    Map<BigInteger, PkiException> failed = new LinkedHashMap<>();
    for (BigInteger serial : serials) {
      try {
        revoke(serial);
      } catch (PkiException e) {
        failed.put(serial, e);
      }
    }
    return failed;
  }

  /**
   * The PKI's current revocation list, its signature already checked against the CA.
   *
   * @throws PkiException refused if the list is not acceptable (bad signature); unavailable if it
   *     cannot be fetched now (the caller keeps its last good list)
   */
  RevocationList revocationList() throws PkiException;
}
