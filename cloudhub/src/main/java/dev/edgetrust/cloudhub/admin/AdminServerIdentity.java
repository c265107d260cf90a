package dev.edgetrust.cloudhub.admin;

import dev.edgetrust.cloudhub.config.AdminSettings;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.tls.PinnedServerTrust;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's own server certificate: self-signed, P-256, naming the address the CLI dials,
 * made by the CloudHub at first start ({@code admin.serverCertFile}, key 0600 in a 0700 directory,
 * the pair written atomically) and reused after that.
 *
 * <p>It is not the node-facing server certificate, and no CA signs it: the CLI pins this one
 * certificate and trusts no CA for the admin API. Whatever a node obtains from the node CA, even a
 * certificate for 127.0.0.1 with server auth, is not it; a node that squats the admin port while
 * the CloudHub restarts gets a refused handshake and never the admin token.
 *
 * <p>To replace it, delete both files and restart the CloudHub; the CLI reads the new pin from the
 * same file.
 */
public final class AdminServerIdentity {
  private static final Logger log = LoggerFactory.getLogger(AdminServerIdentity.class);

  /** Long: it is trusted by pin, not by expiry, and replacing it costs only a restart. */
  static final Duration LIFETIME = Duration.ofDays(3650);

  /** Renewed at start when less than this is left, so a running CloudHub never outlives it. */
  static final Duration MIN_REMAINING = Duration.ofDays(365);

  static final X500Principal SUBJECT = new X500Principal("CN=edgetrust CloudHub admin API");

  private AdminServerIdentity() {}

  /**
   * The admin server certificate of {@code settings}: the one on disk while it names the dial
   * address and has a year left, else a new one (written before it is served).
   *
   * @throws CloudHubException naming the file: unreadable, not a matching pair, or not writable
   */
  public static HeldCertificate loadOrCreate(AdminSettings settings, Clock clock)
      throws CloudHubException {
    KeyCertificateFiles files =
        new KeyCertificateFiles(settings.serverKeyFile(), settings.serverCertificateFile());
    Optional<HeldCertificate> existing;
    try {
      existing = files.read();
    } catch (CredentialFileException e) {
      throw new CloudHubException(
          "admin.serverCertFile "
              + e.getMessage()
              + "; delete it and its key "
              + settings.serverKeyFile()
              + " to have a new one made",
          e);
    }
    String host = settings.dialAddress();
    if (existing.isPresent()) {
      X509Certificate cert = existing.get().certificate();
      boolean namesHost = PinnedServerTrust.names(cert, host);
      boolean lasts = cert.getNotAfter().toInstant().isAfter(clock.instant().plus(MIN_REMAINING));
      if (namesHost && lasts) {
        return existing.get();
      }
      log.info(
          "making a new admin API server certificate: the one in {} {}",
          settings.serverCertificateFile(),
          namesHost
              ? "expires within " + MIN_REMAINING.toDays() + " days"
              : "does not name " + host);
    }
    HeldCertificate made = selfSigned(host, clock.instant());
    try {
      files.write(made);
    } catch (IOException e) {
      throw new CloudHubException(
          "admin.serverCertFile "
              + settings.serverCertificateFile()
              + ": cannot write the admin server certificate: "
              + AtomicFile.describeFailure(e),
          e);
    }
    log.info(
        "admin API server certificate written to {} (SHA-256 {}): the CLI pins it",
        settings.serverCertificateFile(),
        Certificates.sha256Hex(made.certificate()));
    return made;
  }

  private static HeldCertificate selfSigned(String host, Instant now) {
    KeyPair keys = Keys.newP256();
    byte[] serial = new byte[16];
    new SecureRandom().nextBytes(serial);
    serial[0] &= 0x7f;
    try {
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              SUBJECT,
              new BigInteger(1, serial),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(LIFETIME)),
              SUBJECT,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.iPAddress, host)));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder(Keys.signatureAlgorithm(keys.getPrivate()))
                          .build(keys.getPrivate())));
      return new HeldCertificate(keys.getPrivate(), List.of(cert));
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot make a self-signed certificate with a fresh P-256 key", e);
    }
  }
}
