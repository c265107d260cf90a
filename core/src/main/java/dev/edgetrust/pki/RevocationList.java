package dev.edgetrust.pki;

import dev.edgetrust.x509.SerialNumbers;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The serials a CA has revoked, as of {@link #thisUpdate()}, indexed so that "is this serial
 * revoked?" costs one hash lookup however long the list is (a CRL with 100,000 entries is checked
 * at every handshake).
 *
 * <p>Built from a CRL only after its signature verifies against the CA that issued it: a list
 * anyone could forge would let anyone un-revoke a stolen certificate.
 */
public final class RevocationList {
  /** The CRL extensions this reader understands; any other critical one means "do not trust me". */
  private static final Set<String> UNDERSTOOD_CRITICAL = Set.of();

  private static final String DELTA_CRL_INDICATOR = "2.5.29.27";
  private static final String CRL_NUMBER = "2.5.29.20";

  private static final RevocationList EMPTY =
      new RevocationList(Set.of(), Instant.EPOCH, null, null, null);

  private final Set<BigInteger> serials;
  private final Instant thisUpdate;
  private final Instant nextUpdate;
  private final BigInteger crlNumber;
  private final byte[] crlEncoding;

  private RevocationList(
      Collection<BigInteger> serials,
      Instant thisUpdate,
      Instant nextUpdate,
      BigInteger crlNumber,
      byte[] crlEncoding) {
    // Set.copyOf is an immutable open-addressing table: O(1) lookups, no per-entry node objects.
    this.serials = Set.copyOf(serials);
    this.thisUpdate = Objects.requireNonNull(thisUpdate, "thisUpdate");
    this.nextUpdate = nextUpdate;
    this.crlNumber = crlNumber;
    this.crlEncoding = crlEncoding;
    if (nextUpdate != null && nextUpdate.isBefore(thisUpdate)) {
      throw new IllegalArgumentException(
          "nextUpdate " + nextUpdate + " is before thisUpdate " + thisUpdate);
    }
  }

  /** Nothing revoked, never stale: what a PKI that cannot revoke publishes. */
  public static RevocationList empty() {
    return EMPTY;
  }

  /**
   * A list of {@code serials} issued at {@code thisUpdate}, due to be replaced by {@code
   * nextUpdate} (empty: no due date).
   */
  public static RevocationList of(
      Collection<BigInteger> serials, Instant thisUpdate, Optional<Instant> nextUpdate) {
    return new RevocationList(serials, thisUpdate, nextUpdate.orElse(null), null, null);
  }

  /**
   * Indexes {@code crl} after checking that one of {@code issuers} (the CA certificates the PKI
   * trusts) signed it.
   *
   * @throws PkiException (refused) if no issuer with the CRL's issuer name verifies its signature,
   *     if it is a delta CRL, or if it carries a critical extension this reader does not understand
   */
  public static RevocationList fromCrl(X509CRL crl, List<X509Certificate> issuers)
      throws PkiException {
    Objects.requireNonNull(crl, "crl");
    verify(crl, issuers);
    Set<String> critical = crl.getCriticalExtensionOIDs();
    if (critical != null) {
      for (String oid : critical) {
        if (DELTA_CRL_INDICATOR.equals(oid)) {
          throw PkiException.refused(
              "the CRL of "
                  + crl.getIssuerX500Principal().getName()
                  + " is a delta CRL; a complete CRL is required");
        }
        if (!UNDERSTOOD_CRITICAL.contains(oid)) {
          throw PkiException.refused(
              "the CRL of "
                  + crl.getIssuerX500Principal().getName()
                  + " has the critical extension "
                  + oid
                  + ", which edgetrust does not understand");
        }
      }
    }
    if (crl.getExtensionValue(DELTA_CRL_INDICATOR) != null) {
      throw PkiException.refused(
          "the CRL of "
              + crl.getIssuerX500Principal().getName()
              + " is a delta CRL; a complete CRL is required");
    }
    // getRevokedCertificates() copies the entries the JDK parsed into a sorted set: measured
    // (crl bench, 100,000 entries) cheaper than walking the encoding again with BouncyCastle.
    Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
    List<BigInteger> serials = new ArrayList<>(entries == null ? 0 : entries.size());
    if (entries != null) {
      for (X509CRLEntry entry : entries) {
        serials.add(entry.getSerialNumber());
      }
    }
    return new RevocationList(
        serials,
        crl.getThisUpdate().toInstant(),
        crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant(),
        crlNumber(crl),
        encoding(crl));
  }

  /**
   * As {@link #fromCrl(X509CRL, List)}, from a CRL's DER encoding (what {@link #crlEncoding()}
   * gave): a list kept on disk is verified again when it is read back, never trusted as written.
   *
   * @throws PkiException (refused) if the bytes are not a CRL, or as {@link #fromCrl(X509CRL,
   *     List)}
   */
  public static RevocationList fromCrl(byte[] der, List<X509Certificate> issuers)
      throws PkiException {
    X509CRL crl;
    try {
      crl =
          (X509CRL)
              CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    } catch (CRLException | CertificateException | RuntimeException e) {
      throw PkiException.refused("not a CRL (" + e.getMessage() + ")");
    }
    return fromCrl(crl, issuers);
  }

  private static byte[] encoding(X509CRL crl) {
    try {
      return crl.getEncoded();
    } catch (CRLException e) {
      // A CRL the JDK parsed and verified has an encoding; without one it cannot be kept on disk.
      return null;
    }
  }

  private static void verify(X509CRL crl, List<X509Certificate> issuers) throws PkiException {
    for (X509Certificate issuer : issuers) {
      if (!issuer.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
        continue;
      }
      try {
        crl.verify(issuer.getPublicKey());
        return;
      } catch (GeneralSecurityException e) {
        // another CA of the same name may have signed it; try the next one
      }
    }
    throw PkiException.refused(
        "the CRL naming issuer '"
            + crl.getIssuerX500Principal().getName()
            + "' is not signed by any trusted CA certificate; refusing it");
  }

  private static BigInteger crlNumber(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(CRL_NUMBER);
    if (ext == null) {
      return null;
    }
    try {
      // extnValue is an OCTET STRING wrapping the INTEGER.
      var octets =
          (org.bouncycastle.asn1.ASN1OctetString)
              org.bouncycastle.asn1.ASN1Primitive.fromByteArray(ext);
      return org.bouncycastle.asn1.ASN1Integer.getInstance(octets.getOctets()).getValue();
    } catch (java.io.IOException | IllegalArgumentException | ClassCastException e) {
      return null;
    }
  }

  public boolean isRevoked(BigInteger serial) {
    return serials.contains(serial);
  }

  public boolean isRevoked(X509Certificate certificate) {
    return serials.contains(certificate.getSerialNumber());
  }

  public int size() {
    return serials.size();
  }

  /** The revoked serials (immutable). */
  public Set<BigInteger> serials() {
    return serials;
  }

  public Instant thisUpdate() {
    return thisUpdate;
  }

  /** When the issuer promised a newer list; empty if it made no promise. */
  public Optional<Instant> nextUpdate() {
    return Optional.ofNullable(nextUpdate);
  }

  /** The CRL number, when the list came from a CRL that has one. */
  public Optional<BigInteger> crlNumber() {
    return Optional.ofNullable(crlNumber);
  }

  /**
   * The DER encoding of the CRL this list was read from, its signature verified: what can be kept
   * on disk and verified again when read back. Empty for a list not read from a CRL.
   */
  public Optional<byte[]> crlEncoding() {
    return Optional.ofNullable(crlEncoding).map(byte[]::clone);
  }

  /** Whether {@code now} is past {@link #nextUpdate()}: the list may be missing revocations. */
  public boolean isStaleAt(Instant now) {
    return nextUpdate != null && now.isAfter(nextUpdate);
  }

  @Override
  public String toString() {
    return "RevocationList["
        + serials.size()
        + " serials, thisUpdate "
        + thisUpdate
        + (nextUpdate == null ? "" : ", nextUpdate " + nextUpdate)
        + (crlNumber == null ? "" : ", number " + SerialNumbers.toColonHex(crlNumber))
        + "]";
  }
}
