package dev.edgetrust.pki.builtin;

import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The built-in CA's certificate revocation list: every revoked serial with its revocation time,
 * signed by the CA key with an increasing CRL number, written as PEM to the state directory after
 * every revocation. The file is the record of what is revoked; it is read back (and its signature
 * checked) at start.
 *
 * <p>A CRL promises its successor by {@code nextUpdate}; a CloudHub that sees that date pass
 * without a newer list fails closed. So the list is re-signed, unchanged, once half of its validity
 * has gone. Not thread safe: {@link BuiltinCa} serializes access.
 */
final class CrlPublisher {
  static final Duration VALIDITY = Duration.ofDays(7);

  private final Path file;
  private final HeldCertificate ca;
  private final Clock clock;
  private final Map<BigInteger, Instant> revoked;
  private BigInteger number;
  private X509CRL current;

  private CrlPublisher(
      Path file,
      HeldCertificate ca,
      Clock clock,
      Map<BigInteger, Instant> revoked,
      BigInteger number,
      X509CRL current) {
    this.file = file;
    this.ca = ca;
    this.clock = clock;
    this.revoked = revoked;
    this.number = number;
    this.current = current;
  }

  /**
   * Reads the CRL written before, if any.
   *
   * @throws CredentialFileException if it does not parse or the CA did not sign it (the CA was
   *     replaced and the old CRL left behind)
   */
  static CrlPublisher load(Path file, HeldCertificate ca, Clock clock)
      throws CredentialFileException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new CrlPublisher(file, ca, clock, new LinkedHashMap<>(), BigInteger.ZERO, null);
    } catch (IOException e) {
      throw new CredentialFileException(file, "cannot be read: " + e.getMessage());
    }
    X509CRL crl;
    try {
      crl =
          (X509CRL)
              CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(bytes));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CredentialFileException(file, "is not a CRL: " + e.getMessage());
    }
    try {
      crl.verify(ca.certificate().getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new CredentialFileException(
          file,
          "is not signed by the CA; if the CA was replaced, move this file away (its revocations were for the old CA)");
    }
    Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
    if (crl.getRevokedCertificates() != null) {
      for (X509CRLEntry entry : crl.getRevokedCertificates()) {
        revoked.put(entry.getSerialNumber(), entry.getRevocationDate().toInstant());
      }
    }
    return new CrlPublisher(file, ca, clock, revoked, number(crl), crl);
  }

  private static BigInteger number(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (ext == null) {
      return BigInteger.ZERO;
    }
    try {
      return ASN1Integer.getInstance(
              ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(ext)).getOctets())
          .getValue();
    } catch (IOException | IllegalArgumentException e) {
      return BigInteger.ZERO;
    }
  }

  /** The CRL in force, re-signed first if none exists yet or half of its validity has gone. */
  X509CRL current() throws IOException {
    Instant now = clock.instant();
    if (current == null || !now.isBefore(halfLife(current))) {
      publish(now);
    }
    return current;
  }

  private static Instant halfLife(X509CRL crl) {
    Instant thisUpdate = crl.getThisUpdate().toInstant();
    if (crl.getNextUpdate() == null) {
      return thisUpdate;
    }
    Duration validity = Duration.between(thisUpdate, crl.getNextUpdate().toInstant());
    return thisUpdate.plus(validity.dividedBy(2));
  }

  /**
   * Adds {@code serial} and publishes the new CRL.
   *
   * @return when it was revoked: now, or the earlier time if it already was
   */
  Instant revoke(BigInteger serial) throws IOException {
    Instant earlier = revoked.get(serial);
    if (earlier != null) {
      return earlier;
    }
    revokeAll(List.of(serial));
    return revoked.get(serial);
  }

  /**
   * Adds every serial not yet revoked and publishes one new CRL for all of them (none if nothing
   * was new). On failure nothing is added: the file and the list in memory stay as they were.
   */
  void revokeAll(Collection<BigInteger> serials) throws IOException {
    Instant now = clock.instant();
    List<BigInteger> added = new ArrayList<>();
    for (BigInteger serial : serials) {
      if (revoked.putIfAbsent(serial, now) == null) {
        added.add(serial);
      }
    }
    if (added.isEmpty()) {
      return;
    }
    try {
      publish(now);
    } catch (IOException | RuntimeException e) {
      added.forEach(revoked::remove);
      throw e;
    }
  }

  boolean isRevoked(BigInteger serial) {
    return revoked.containsKey(serial);
  }

  Path file() {
    return file;
  }

  private void publish(Instant now) throws IOException {
    BigInteger next = number.add(BigInteger.ONE);
    X509CRL crl = build(next, now);
    AtomicFile.writePublic(
        file, Pem.encode("X509 CRL", encoded(crl)).getBytes(StandardCharsets.US_ASCII));
    number = next;
    current = crl;
  }

  private X509CRL build(BigInteger crlNumber, Instant now) {
    try {
      X509v2CRLBuilder builder =
          new JcaX509v2CRLBuilder(ca.certificate().getSubjectX500Principal(), Date.from(now));
      builder.setNextUpdate(Date.from(now.plus(VALIDITY)));
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
      revoked.forEach(
          (serial, at) -> builder.addCRLEntry(serial, Date.from(at), 0 /* unspecified */));
      return new JcaX509CRLConverter()
          .getCRL(
              builder.build(
                  new JcaContentSignerBuilder(Keys.signatureAlgorithm(ca.privateKey()))
                      .build(ca.privateKey())));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a CRL with the CA key", e);
    }
  }

  private static byte[] encoded(X509CRL crl) {
    try {
      return crl.getEncoded();
    } catch (CRLException e) {
      throw new IllegalStateException("cannot encode a CRL we built", e);
    }
  }
}
