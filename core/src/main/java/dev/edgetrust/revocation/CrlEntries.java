package dev.edgetrust.revocation;

import java.math.BigInteger;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.Enumeration;
import org.bouncycastle.asn1.x509.TBSCertList;

/**
 * Walks the revoked entries of a CRL in their encoded order, in one pass.
 *
 * <p>{@link X509CRL#getRevokedCertificates()} returns a fresh {@code TreeSet} ordered by each
 * entry's encoding on every call: for 100,000 entries that sort alone takes most of the time it
 * takes to load a list, and a CloudHub loads one at start and at every change. Reading the signed
 * bytes the JDK already parsed (and whose signature the caller checks) costs a linear walk.
 */
public final class CrlEntries {
  /** One revoked certificate. */
  @FunctionalInterface
  public interface Visitor {
    void entry(BigInteger serial, Instant revokedAt);
  }

  private CrlEntries() {}

  /**
   * Calls {@code visitor} once per entry of {@code crl}.
   *
   * @return the number of entries
   * @throws IllegalArgumentException if the CRL's to-be-signed part does not parse as one
   */
  public static int forEach(X509CRL crl, Visitor visitor) {
    TBSCertList tbs;
    try {
      tbs = TBSCertList.getInstance(crl.getTBSCertList());
    } catch (CRLException | RuntimeException e) {
      throw new IllegalArgumentException("the CRL's list of revoked certificates does not parse: " + e.getMessage(), e);
    }
    int count = 0;
    try {
      Enumeration<?> entries = tbs.getRevokedCertificateEnumeration();
      while (entries.hasMoreElements()) {
        TBSCertList.CRLEntry entry = (TBSCertList.CRLEntry) entries.nextElement();
        visitor.entry(entry.getUserCertificate().getValue(), entry.getRevocationDate().getDate().toInstant());
        count++;
      }
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw new IllegalArgumentException("CRL entry " + (count + 1) + " does not parse: " + e.getMessage(), e);
    }
    return count;
  }
}
