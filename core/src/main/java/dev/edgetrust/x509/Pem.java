package dev.edgetrust.x509;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM and DER for certificates and private keys.
 *
 * <p>Keys are written as PKCS#8 ({@code PRIVATE KEY}), which Netty, Go and OpenSSL all read; keys
 * are read in PKCS#8 or the SEC1/PKCS#1 forms KubeEdge and OpenSSL write ({@code EC PRIVATE KEY},
 * {@code RSA PRIVATE KEY}).
 */
public final class Pem {
  private static final int LINE = 64;

  private Pem() {}

  public static String encode(String type, byte[] der) {
    String body = Base64.getMimeEncoder(LINE, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  public static String certificate(X509Certificate certificate) {
    try {
      return encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot encode a certificate we hold", e);
    }
  }

  public static String certificates(List<X509Certificate> chain) {
    StringBuilder out = new StringBuilder();
    chain.forEach(c -> out.append(certificate(c)));
    return out.toString();
  }

  public static String privateKey(PrivateKey key) {
    return encode("PRIVATE KEY", key.getEncoded());
  }

  /**
   * Every certificate in a PEM text, in order.
   *
   * @throws IllegalArgumentException if there is none, or one does not parse
   */
  public static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> result = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
          result.add(Certificates.parseDer(holder.getEncoded()));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + firstLine(e), e);
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("no PEM certificate found");
    }
    return result;
  }

  /** Certificates from bytes that may be PEM or a single DER certificate (KubeEdge serves DER). */
  public static List<X509Certificate> parseCertificates(byte[] pemOrDer) {
    String text = new String(pemOrDer, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN")) {
      return parseCertificates(text);
    }
    return List.of(Certificates.parseDer(pemOrDer));
  }

  /**
   * The one private key in a PEM text.
   *
   * @throws IllegalArgumentException if there is none, or it is encrypted or unreadable
   */
  public static PrivateKey parsePrivateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      while ((o = parser.readObject()) != null) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          // SEC1 or PKCS#1. Convert the private half only: SEC1's public key is optional
          // (RFC 5915), and getKeyPair() fails with a NullPointerException when it is absent.
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o.getClass().getSimpleName().contains("Encrypted")) {
          throw new IllegalArgumentException(
              "private key is encrypted; edgetrust reads unencrypted PEM keys");
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      // Never echo the key material: the message names the problem only.
      throw new IllegalArgumentException(
          "not a PEM private key (" + e.getClass().getSimpleName() + ")", e);
    }
    throw new IllegalArgumentException("no PEM private key found");
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Parses DER bytes; kept here so that callers need not touch CertificateFactory. */
  static X509Certificate der(byte[] der) throws CertificateException {
    ByteArrayInputStream in = new ByteArrayInputStream(der);
    X509Certificate certificate =
        (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    // CertificateFactory stops after the first certificate; what follows would be dropped silently
    // (the rest of a chain served where one certificate is expected, say).
    if (in.available() > 0) {
      throw new CertificateException(
          in.available() + " bytes after the certificate; expected exactly one");
    }
    return certificate;
  }
}
