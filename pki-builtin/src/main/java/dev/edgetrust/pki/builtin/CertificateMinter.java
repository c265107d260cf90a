package dev.edgetrust.pki.builtin;

import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The X.509 half of the built-in CA: builds and signs certificates with the CA key, exactly the
 * subject, usages and names of a {@link SigningRequest} (the CSR gives its public key only). It
 * holds no state of its own and decides nothing: whether a node may be signed for (blocked?) and
 * the record of what was signed stay with {@link BuiltinCa}, under its lock.
 */
final class CertificateMinter {
  /** KubeEdge names its CA "KubeEdge"; keeping it helps operators who compare the two. */
  static final X500Principal CA_SUBJECT = new X500Principal("CN=KubeEdge");

  static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** Tolerates nodes whose clocks run behind, without making short certificates odd. */
  static final Duration MAX_BACKDATE = Duration.ofMinutes(5);

  private final HeldCertificate ca;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  CertificateMinter(HeldCertificate ca, Clock clock) {
    this.ca = ca;
    this.clock = clock;
  }

  /** A new self-signed CA: P-256, {@link #CA_SUBJECT}, ten years. */
  static HeldCertificate createCa(Clock clock) {
    KeyPair keys = Keys.newP256();
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  CA_SUBJECT,
                  new BigInteger(1, randomBytes(new SecureRandom())),
                  Date.from(now.minus(MAX_BACKDATE)),
                  Date.from(now.plus(CA_VALIDITY)),
                  CA_SUBJECT,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new HeldCertificate(keys.getPrivate(), List.of(build(builder, keys.getPrivate())));
    } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot build a CA certificate", e);
    }
  }

  /** Signs {@code request} as it is: the caller has decided that it may be signed. */
  IssuedCertificate mint(SigningRequest request) throws PkiException {
    Instant now = clock.instant();
    Duration backdate =
        request.ttl().dividedBy(10).compareTo(MAX_BACKDATE) < 0
            ? request.ttl().dividedBy(10)
            : MAX_BACKDATE;
    Instant notAfter = now.plus(request.ttl());
    Instant caNotAfter = ca.notAfter();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    if (!notAfter.isAfter(now)) {
      throw PkiException.refused("the built-in CA certificate has expired; it cannot sign");
    }
    PublicKey publicKey = request.csr().publicKey();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  ca.certificate(),
                  new BigInteger(1, randomBytes(random)),
                  Date.from(now.minus(backdate)),
                  Date.from(notAfter),
                  request.subject(),
                  publicKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, keyUsage(publicKey))
              .addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(request))
              .addExtension(
                  Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(ca.certificate()));
      GeneralNames sans = subjectAlternativeNames(request);
      if (sans != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      X509Certificate certificate = build(builder, ca.privateKey());
      return new IssuedCertificate(certificate, List.of(ca.certificate()));
    } catch (CertIOException | java.security.GeneralSecurityException e) {
      throw PkiException.refused("cannot build the certificate: " + e.getMessage());
    }
  }

  private static KeyUsage keyUsage(PublicKey key) {
    int bits = KeyUsage.digitalSignature;
    if ("RSA".equals(key.getAlgorithm())) {
      bits |= KeyUsage.keyEncipherment;
    }
    return new KeyUsage(bits);
  }

  private static ExtendedKeyUsage extendedKeyUsage(SigningRequest request) {
    KeyPurposeId[] purposes =
        request.usages().stream()
            .sorted()
            .map(u -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(u.oid())))
            .toArray(KeyPurposeId[]::new);
    return new ExtendedKeyUsage(purposes);
  }

  private static GeneralNames subjectAlternativeNames(SigningRequest request) {
    List<GeneralName> names = new ArrayList<>();
    request.dnsNames().forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
    for (InetAddress ip : request.ipAddresses()) {
      names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
    }
    return names.isEmpty() ? null : new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static X509Certificate build(X509v3CertificateBuilder builder, PrivateKey signer) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(Keys.signatureAlgorithm(signer)).build(signer)));
    } catch (OperatorCreationException | java.security.cert.CertificateException e) {
      throw new IllegalStateException("cannot sign a certificate with the CA key", e);
    }
  }

  /**
   * 16 random bytes: 127 bits of serial after the sign bit is cleared (RFC 5280 allows 20 octets).
   */
  private static byte[] randomBytes(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    bytes[0] &= 0x7f;
    bytes[0] |= 0x40; // never a short or zero serial
    return bytes;
  }
}
