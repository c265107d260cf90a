package dev.edgetrust.x509;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Real certificates for tests, built with BouncyCastle so that a test can give them subjects the
 * production code never would (two common names, a wrong prefix, a multi-valued RDN).
 */
public final class TestCertificates {
  private TestCertificates() {}

  /** A self-signed CA certificate. */
  public static X509Certificate selfSignedCa(KeyPair key, String subject) {
    X500Name name = new X500Name(subject);
    return sign(key.getPublic(), name, key.getPrivate(), name, BigInteger.ONE, true);
  }

  /** A leaf certificate for {@code subjectKey}, signed by the issuer's key. */
  public static X509Certificate leaf(
      PublicKey subjectKey,
      X500Name subject,
      PrivateKey issuerKey,
      X500Name issuer,
      BigInteger serial) {
    return sign(subjectKey, subject, issuerKey, issuer, serial, false);
  }

  /** A self-signed leaf certificate: enough wherever only the subject and key matter. */
  public static X509Certificate selfSignedLeaf(KeyPair key, X500Name subject) {
    return sign(key.getPublic(), subject, key.getPrivate(), subject, BigInteger.valueOf(7), false);
  }

  public static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static X509Certificate sign(
      PublicKey subjectKey,
      X500Name subject,
      PrivateKey issuerKey,
      X500Name issuer,
      BigInteger serial,
      boolean ca) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              serial,
              Date.from(now.minus(Duration.ofMinutes(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              subject,
              subjectKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(Keys.signatureAlgorithm(issuerKey))
                      .build(issuerKey)));
    } catch (Exception e) {
      throw new AssertionError("cannot build a test certificate", e);
    }
  }
}
