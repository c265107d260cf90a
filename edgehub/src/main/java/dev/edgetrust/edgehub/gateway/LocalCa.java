package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.edgehub.config.GatewaySettings;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's local CA: it signs the local edgecore's client certificate and the gateway's own
 * loopback server certificate, and nothing else. Made at first start in {@code gateway.directory}
 * (key 0600 in a 0700 directory, the pair written atomically) and never sent anywhere: the CloudHub
 * never sees it, and it vouches for nothing beyond this host's loopback.
 *
 * <p>Immutable once loaded; safe on any thread.
 */
public final class LocalCa {
  private static final Logger log = LoggerFactory.getLogger(LocalCa.class);

  /**
   * Long: it is trusted only on this host, and replacing it means a new join of the local edgecore.
   */
  static final Duration CA_LIFETIME = Duration.ofDays(3650);

  /**
   * The local edgecore's certificates: short, as edgetrust's are, and renewed by edgecore itself at
   * 70-90% of this over {@code /edge.crt}.
   */
  public static final Duration NODE_LIFETIME = Duration.ofDays(30);

  /** The gateway's loopback server certificate: made afresh at every start, held in memory only. */
  static final Duration SERVER_LIFETIME = Duration.ofDays(400);

  static final X500Principal SUBJECT = new X500Principal("CN=edgetrust local gateway CA");
  private static final Set<PosixFilePermission> OPEN_TO_OTHERS =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final HeldCertificate ca;
  private final NodeName node;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private LocalCa(HeldCertificate ca, NodeName node, Clock clock) {
    this.ca = ca;
    this.node = node;
    this.clock = clock;
  }

  /**
   * The local CA in {@code settings.directory()}, made there if it does not exist yet.
   *
   * @throws GatewayException one line naming the file: a directory or key open to group or others,
   *     an unreadable or mismatched pair, or one that cannot be written
   */
  public static LocalCa loadOrCreate(GatewaySettings settings, NodeName node, Clock clock)
      throws GatewayException {
    Path dir = settings.directory();
    KeyCertificateFiles files =
        new KeyCertificateFiles(settings.caKeyFile(), settings.caCertificateFile());
    refuseOpenToOthers(dir, "chmod 700 it");
    try {
      // The one rule every secret file follows (the directory's stricter 0700 is checked above).
      SecretFiles.requireOwnerOnly(settings.caKeyFile());
    } catch (CredentialFileException e) {
      throw new GatewayException("modules.edgeHub.gateway.directory: " + e.getMessage(), e);
    }
    Optional<HeldCertificate> existing;
    try {
      existing = files.read();
    } catch (CredentialFileException e) {
      throw new GatewayException(
          "modules.edgeHub.gateway.directory: "
              + e.getMessage()
              + "; delete it and "
              + settings.caKeyFile().getFileName()
              + " to have a new local CA made (the local edgecore then joins again)",
          e);
    }
    if (existing.isPresent()) {
      return new LocalCa(existing.get(), node, clock);
    }
    HeldCertificate made = selfSigned(clock.instant());
    try {
      files.write(made);
    } catch (IOException e) {
      throw new GatewayException(
          "modules.edgeHub.gateway.directory "
              + dir
              + ": cannot write the local CA: "
              + AtomicFile.describeFailure(e),
          e);
    }
    log.info(
        "local gateway CA made in {} (SHA-256 {})",
        dir,
        Certificates.sha256Hex(made.certificate()));
    return new LocalCa(made, node, clock);
  }

  private static void refuseOpenToOthers(Path file, String fix) throws GatewayException {
    if (!Files.exists(file)) {
      return;
    }
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.stream().anyMatch(OPEN_TO_OTHERS::contains)) {
        throw new GatewayException(
            "modules.edgeHub.gateway.directory: " + file + " is open to group or others; " + fix);
      }
    } catch (UnsupportedOperationException noPosix) {
      // Not a POSIX file system: nothing to check.
    } catch (IOException e) {
      throw new GatewayException(
          "modules.edgeHub.gateway.directory: " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The local CA certificate, as the local edgecore pins it. */
  public X509Certificate certificate() {
    return ca.certificate();
  }

  /** {@code hex(sha256(CA DER))}: the first part of a local join token. */
  public String hash() {
    return Certificates.sha256Hex(ca.certificate());
  }

  /** The one node this CA issues for: the EdgeHub's own. */
  public NodeName node() {
    return node;
  }

  PrivateKey key() {
    return ca.privateKey();
  }

  /**
   * A client certificate for the local node's {@code publicKey}: the subject set here ({@code
   * CN=system:node:<node>, O=system:nodes}), whatever the CSR said, client auth only.
   */
  X509Certificate issueNode(PublicKey publicKey) {
    Instant now = clock.instant();
    X500Principal subject = new X500Principal("CN=" + node.commonName() + ", O=system:nodes");
    return sign(
        subject,
        publicKey,
        now,
        now.plus(NODE_LIFETIME),
        KeyPurposeId.id_kp_clientAuth,
        Optional.empty());
  }

  /** The gateway's server certificate for 127.0.0.1 (and {@code localhost}), with a fresh key. */
  HeldCertificate serverIdentity() {
    KeyPair keys = Keys.newP256();
    Instant now = clock.instant();
    GeneralNames names =
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")
            });
    X509Certificate cert =
        sign(
            new X500Principal("CN=edgetrust local gateway"),
            keys.getPublic(),
            now,
            now.plus(SERVER_LIFETIME),
            KeyPurposeId.id_kp_serverAuth,
            Optional.of(names));
    return new HeldCertificate(keys.getPrivate(), List.of(cert, ca.certificate()));
  }

  private X509Certificate sign(
      X500Principal subject,
      PublicKey publicKey,
      Instant from,
      Instant to,
      KeyPurposeId usage,
      Optional<ASN1Encodable> sans) {
    byte[] serial = new byte[16];
    random.nextBytes(serial);
    serial[0] &= 0x7f;
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              ca.certificate(),
              new BigInteger(1, serial),
              Date.from(from.minus(Duration.ofMinutes(5))),
              Date.from(to),
              subject,
              publicKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          ext.createAuthorityKeyIdentifier(ca.certificate()));
      if (sans.isPresent()) {
        builder.addExtension(Extension.subjectAlternativeName, false, sans.get());
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(Keys.signatureAlgorithm(ca.privateKey()))
                      .build(ca.privateKey())));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode a certificate extension", e);
    } catch (Exception e) {
      throw new IllegalStateException("the local CA cannot sign: " + e.getMessage(), e);
    }
  }

  private static HeldCertificate selfSigned(Instant now) {
    KeyPair keys = Keys.newP256();
    byte[] serial = new byte[16];
    new SecureRandom().nextBytes(serial);
    serial[0] &= 0x7f;
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              SUBJECT,
              new BigInteger(1, serial),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(CA_LIFETIME)),
              SUBJECT,
              keys.getPublic());
      // pathLen 0: it signs end-entity certificates only.
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder(Keys.signatureAlgorithm(keys.getPrivate()))
                          .build(keys.getPrivate())));
      return new HeldCertificate(keys.getPrivate(), List.of(cert));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the local CA with a fresh P-256 key", e);
    }
  }

  @Override
  public String toString() {
    return "LocalCa[SHA-256 " + hash() + ", node " + node + "]";
  }
}
