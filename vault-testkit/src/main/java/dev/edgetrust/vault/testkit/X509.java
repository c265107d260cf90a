package dev.edgetrust.vault.testkit;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Keys, certificates and CRLs for the stand-in, made with BouncyCastle as Go's crypto/x509 makes
 * Vault's.
 */
final class X509 {
  private static final SecureRandom RANDOM = new SecureRandom();

  private X509() {}

  /** What goes into a certificate besides subject, key and dates. */
  record Profile(
      boolean ca,
      int keyUsage,
      List<KeyPurposeId> extendedKeyUsages,
      List<String> dnsNames,
      List<String> emails,
      List<InetAddress> ips,
      List<String> uris,
      List<String> crlUrls,
      List<String> issuingUrls,
      List<String> ocspUrls,
      boolean basicConstraintsForLeaf) {}

  static KeyPair newKey(String type, int bits) {
    try {
      if (type.equals("ec")) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        String curve =
            switch (bits) {
              case 224 -> "secp224r1";
              case 384 -> "secp384r1";
              case 521 -> "secp521r1";
              default -> "secp256r1";
            };
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A random positive serial below 2^159, as Vault's certutil makes them. */
  static BigInteger newSerial() {
    BigInteger s;
    do {
      s = new BigInteger(159, RANDOM);
    } while (s.signum() == 0);
    return s;
  }

  static String keyType(PublicKey key) {
    return key instanceof ECPublicKey
        ? "ec"
        : key instanceof RSAPublicKey ? "rsa" : key.getAlgorithm().toLowerCase(Locale.ROOT);
  }

  static int keyBits(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return ec.getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof RSAPublicKey rsa) {
      return rsa.getModulus().bitLength();
    }
    return 0;
  }

  static String signatureAlgorithm(PrivateKey key) {
    if (key.getAlgorithm().equals("EC")) {
      return "SHA256withECDSA";
    }
    return "SHA256withRSA";
  }

  static X509Certificate certificate(
      X500Name issuer,
      PrivateKey issuerKey,
      X509Certificate issuerCert,
      X500Name subject,
      PublicKey publicKey,
      BigInteger serial,
      Instant notBefore,
      Instant notAfter,
      Profile p) {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new X509v3CertificateBuilder(
              issuer,
              serial,
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
      if (issuerCert != null) {
        b.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            utils.createAuthorityKeyIdentifier(issuerCert));
      } else {
        b.addExtension(
            Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(publicKey));
      }
      if (p.ca()) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      } else if (p.basicConstraintsForLeaf()) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      }
      if (p.keyUsage() != 0) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(p.keyUsage()));
      }
      if (!p.extendedKeyUsages().isEmpty()) {
        b.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(p.extendedKeyUsages().toArray(new KeyPurposeId[0])));
      }
      List<GeneralName> sans = new ArrayList<>();
      p.dnsNames().forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
      p.emails().forEach(e -> sans.add(new GeneralName(GeneralName.rfc822Name, e)));
      p.ips().forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress())));
      p.uris().forEach(u -> sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
      if (!sans.isEmpty()) {
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(sans.toArray(new GeneralName[0])));
      }
      if (!p.crlUrls().isEmpty()) {
        List<DistributionPoint> points = new ArrayList<>();
        for (String url : p.crlUrls()) {
          points.add(
              new DistributionPoint(
                  new DistributionPointName(
                      new GeneralNames(
                          new GeneralName(GeneralName.uniformResourceIdentifier, url))),
                  null,
                  null));
        }
        b.addExtension(
            Extension.cRLDistributionPoints,
            false,
            new CRLDistPoint(points.toArray(new DistributionPoint[0])));
      }
      List<ASN1Encodable> access = new ArrayList<>();
      p.issuingUrls()
          .forEach(
              u ->
                  access.add(
                      new AccessDescription(
                          AccessDescription.id_ad_caIssuers,
                          new GeneralName(GeneralName.uniformResourceIdentifier, u))));
      p.ocspUrls()
          .forEach(
              u ->
                  access.add(
                      new AccessDescription(
                          AccessDescription.id_ad_ocsp,
                          new GeneralName(GeneralName.uniformResourceIdentifier, u))));
      if (!access.isEmpty()) {
        b.addExtension(
            Extension.authorityInfoAccess,
            false,
            AuthorityInformationAccess.getInstance(
                new DERSequence(access.toArray(new ASN1Encodable[0]))));
      }
      ContentSigner signer =
          new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey);
      X509CertificateHolder holder = b.build(signer);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build a certificate", e);
    }
  }

  static X509CRL crl(
      X509Certificate ca,
      PrivateKey caKey,
      Map<BigInteger, Instant> revoked,
      Instant thisUpdate,
      Instant nextUpdate,
      BigInteger number) {
    try {
      X509v2CRLBuilder b =
          new X509v2CRLBuilder(
              X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
              Date.from(thisUpdate));
      b.setNextUpdate(Date.from(nextUpdate));
      // Go's CreateRevocationList writes entries without a reason code, as RFC 5280 prefers.
      revoked.forEach((serial, at) -> b.addCRLEntry(serial, Date.from(at), null));
      b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
      ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(caKey)).build(caKey);
      return new JcaX509CRLConverter().getCRL(b.build(signer));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build a CRL", e);
    }
  }

  static KeyPurposeId purpose(ASN1ObjectIdentifier oid) {
    return KeyPurposeId.getInstance(oid);
  }
}
