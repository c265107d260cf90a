package dev.edgetrust.edgehub.testing;

import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A P-256 certificate authority for tests, built with BouncyCastle. */
public final class TestCa {
  private final KeyPair keyPair = Keys.newP256();
  private final X509Certificate certificate;

  public TestCa(String name) {
    X500Principal subject = new X500Principal("CN=" + name);
    certificate =
        sign(
            subject,
            keyPair.getPublic(),
            subject,
            Instant.now().minusSeconds(60),
            Duration.ofDays(30),
            builder -> {
              builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
              builder.addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            });
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** {@code hex(sha256(DER))}, the first part of a join token. */
  public String hash() {
    return Certificates.sha256Hex(certificate);
  }

  /**
   * A client certificate for {@code subject} and {@code key}, valid from {@code notBefore} for
   * {@code lifetime}.
   */
  public X509Certificate issueClient(
      X500Principal subject, PublicKey key, Instant notBefore, Duration lifetime) {
    return sign(
        subject,
        key,
        certificate.getSubjectX500Principal(),
        notBefore,
        lifetime,
        builder -> {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
          builder.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        });
  }

  public X509Certificate issueClient(X500Principal subject, PublicKey key, Duration lifetime) {
    return issueClient(subject, key, Instant.now().minusSeconds(1), lifetime);
  }

  /** A server certificate (key generated here) naming the given IP addresses. */
  public HeldCertificate issueServer(String... ipAddresses) {
    KeyPair serverKey = Keys.newP256();
    GeneralName[] names = new GeneralName[ipAddresses.length];
    for (int i = 0; i < ipAddresses.length; i++) {
      names[i] = new GeneralName(GeneralName.iPAddress, ipAddresses[i]);
    }
    X509Certificate server =
        sign(
            new X500Principal("CN=cloudhub"),
            serverKey.getPublic(),
            certificate.getSubjectX500Principal(),
            Instant.now().minusSeconds(60),
            Duration.ofDays(1),
            builder -> {
              builder.addExtension(
                  Extension.subjectAlternativeName, false, new GeneralNames(names));
              builder.addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            });
    return new HeldCertificate(serverKey.getPrivate(), List.of(server, certificate));
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws Exception;
  }

  private X509Certificate sign(
      X500Principal subject,
      PublicKey key,
      X500Principal issuer,
      Instant notBefore,
      Duration lifetime,
      Extensions extensions) {
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
              Date.from(notBefore),
              Date.from(notBefore.plus(lifetime)),
              subject,
              key);
      extensions.add(builder);
      byte[] der =
          builder
              .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate()))
              .getEncoded();
      return Certificates.parseDer(der);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
