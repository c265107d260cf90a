package dev.edgetrust.x509;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Parsing and fingerprinting of X.509 certificates. */
public final class Certificates {
  private Certificates() {}

  /**
   * @throws IllegalArgumentException if {@code der} is not one DER-encoded X.509 certificate
   */
  public static X509Certificate parseDer(byte[] der) {
    try {
      X509Certificate certificate = Pem.der(der);
      if (certificate == null) {
        throw new IllegalArgumentException("empty certificate");
      }
      return certificate;
    } catch (CertificateException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("not a DER certificate: " + Pem.firstLine(e), e);
    }
  }

  public static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a parsed certificate", e);
    }
  }

  /** {@code hex(sha256(DER))}: the CA hash in a KubeEdge join token. */
  public static String sha256Hex(X509Certificate certificate) {
    return sha256Hex(der(certificate));
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JRE", e);
    }
  }

  /** Whether {@code key} is the private half of the certificate's public key. */
  public static boolean matches(PrivateKey key, X509Certificate certificate) {
    PublicKey publicKey = certificate.getPublicKey();
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Every CN attribute of {@code principal}, most specific RDN first (the RFC 2253 order),
   * including each CN of a multi-valued RDN ({@code CN=a+CN=b}).
   */
  public static List<String> commonNames(X500Principal principal) {
    List<String> result = new ArrayList<>();
    RDN[] rdns;
    try {
      // Read the encoded name, not a string form: Rdn.getType()/getValue() see only the first
      // attribute of a multi-valued RDN, so "CN=node:a+CN=node:b" would pass as one common name.
      rdns = X500Name.getInstance(principal.getEncoded()).getRDNs();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unreadable certificate subject: " + e.getMessage(), e);
    }
    for (int i = rdns.length - 1; i >= 0; i--) {
      for (AttributeTypeAndValue attribute : rdns[i].getTypesAndValues()) {
        if (attribute.getType().equals(BCStyle.CN)) {
          ASN1Encodable value = attribute.getValue();
          result.add(
              value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value));
        }
      }
    }
    return result;
  }
}
