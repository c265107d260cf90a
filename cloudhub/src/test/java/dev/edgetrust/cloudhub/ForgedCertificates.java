package dev.edgetrust.cloudhub;

import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
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
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates signed with the CA's key directly, past every check of the CA's own code: what a
 * node would hold had it ever obtained one (the code no longer issues them), so that the checks
 * further down (the handshake, the admin CLI's pin) are tested against them anyway.
 */
final class ForgedCertificates {
  private ForgedCertificates() {}

  /**
   * A leaf for {@code subject} with exactly the extended key usages {@code usageOids} and the IP
   * SANs {@code ips}, signed by the CA whose files are given.
   */
  static HeldCertificate signedByCa(
      Path caCertificateFile,
      Path caKeyFile,
      X500Principal subject,
      List<String> usageOids,
      List<InetAddress> ips)
      throws Exception {
    X509Certificate ca = KeyCertificateFiles.readCertificates(caCertificateFile).get(0);
    PrivateKey caKey = KeyCertificateFiles.readKey(caKeyFile);
    KeyPair keys = Keys.newP256();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            ca.getSubjectX500Principal(),
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minusSeconds(60)),
            Date.from(now.plus(Duration.ofHours(1))),
            subject,
            keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(
            usageOids.stream()
                .map(oid -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(oid)))
                .toArray(KeyPurposeId[]::new)));
    if (!ips.isEmpty()) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              ips.stream()
                  .map(ip -> new GeneralName(GeneralName.iPAddress, ip.getHostAddress()))
                  .toArray(GeneralName[]::new)));
    }
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder(Keys.signatureAlgorithm(caKey)).build(caKey)));
    return new HeldCertificate(keys.getPrivate(), List.of(cert, ca));
  }

  /** As above, from the CA of {@code f}. */
  static HeldCertificate signedByCa(
      HubFixture f, X500Principal subject, List<String> usageOids, List<InetAddress> ips)
      throws Exception {
    return signedByCa(
        f.settings.caCertificateFile(), f.settings.caKeyFile(), subject, usageOids, ips);
  }
}
