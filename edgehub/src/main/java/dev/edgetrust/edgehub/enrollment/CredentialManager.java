package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.HeldCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how this node gets usable credentials: the ones on disk if they are this node's, from the
 * configured CA and not expired; otherwise new ones from the {@link CertificateIssuer} (the join
 * token with the CloudHub's bootstrap, or a PKI such as Vault). Renewal uses the current
 * certificate, or enrolls again if the certificate expired while the node was offline.
 */
public final class CredentialManager {
  private static final Logger log = LoggerFactory.getLogger(CredentialManager.class);

  private final NodeName node;
  private final Path caFile;
  private final KeyCertificateFiles files;
  private final CertificateIssuer issuer;
  private final Clock clock;

  /**
   * Credentials from the CloudHub's bootstrap with a join token.
   *
   * @param configName how to name the configuration in messages (the edgecore.yaml path)
   */
  public CredentialManager(
      NodeName node,
      Path caFile,
      KeyCertificateFiles files,
      TokenSource tokens,
      Enrollment enrollment,
      String configName,
      Clock clock) {
    this(
        node,
        caFile,
        files,
        new BootstrapIssuer(node, tokens, enrollment, configName, clock),
        clock);
  }

  /** Credentials from {@code issuer}. */
  public CredentialManager(
      NodeName node,
      Path caFile,
      KeyCertificateFiles files,
      CertificateIssuer issuer,
      Clock clock) {
    this.node = Objects.requireNonNull(node, "node");
    this.caFile = Objects.requireNonNull(caFile, "caFile");
    this.files = Objects.requireNonNull(files, "files");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public CertificateIssuer issuer() {
    return issuer;
  }

  /** Whether waiting can help after a refusal: a token file may get a new token. */
  public boolean tokenMayChange() {
    return issuer.mayRecover();
  }

  /**
   * The credentials to connect with: from disk when they are usable, else from a new enrollment.
   *
   * @throws EnrollmentException with one actionable line
   */
  public NodeCredentials obtain() throws EnrollmentException {
    Optional<HeldCertificate> held;
    try {
      held = files.read();
    } catch (CredentialFileException e) {
      throw EnrollmentException.refused(
          e.getMessage() + "; fix or remove it (with a join token set, the node enrolls again)");
    }
    if (held.isEmpty()) {
      return issuer.enroll("there is no certificate at " + files.certificateFile() + " yet");
    }
    HeldCertificate current = held.get();
    String unusable = unusableReason(current);
    if (unusable != null) {
      return issuer.enroll(unusable);
    }
    if (!Files.exists(caFile)) {
      return issuer.enroll("the CA certificate " + caFile + " is missing");
    }
    X509Certificate ca;
    try {
      ca = KeyCertificateFiles.readCertificates(caFile).get(0);
    } catch (CredentialFileException e) {
      return issuer.enroll(e.getMessage());
    }
    if (!issuedBy(current.certificate(), ca)) {
      return issuer.enroll(files.certificateFile() + " was not issued by the CA in " + caFile);
    }
    log.info(
        "node {} uses its certificate {}: serial {}, valid until {}",
        node,
        files.certificateFile(),
        current.serialHex(),
        current.notAfter());
    return new NodeCredentials(current, ca);
  }

  /**
   * New credentials to replace {@code current}: renewed with the current certificate, or, if it has
   * expired, enrolled again.
   */
  public NodeCredentials renew(NodeCredentials current) throws EnrollmentException {
    return renew(current, Optional.empty());
  }

  /** As {@link #renew(NodeCredentials)}, each request within {@code timeout}. */
  public NodeCredentials renew(NodeCredentials current, Duration timeout)
      throws EnrollmentException {
    return renew(current, Optional.of(timeout));
  }

  private NodeCredentials renew(NodeCredentials current, Optional<Duration> timeout)
      throws EnrollmentException {
    if (current.isExpiredAt(clock.instant())) {
      return issuer.enroll(
          "the certificate "
              + files.certificateFile()
              + " expired at "
              + current.held().notAfter()
              + " (it cannot renew itself once expired)");
    }
    return timeout.isPresent() ? issuer.renew(current, timeout.get()) : issuer.renew(current);
  }

  /**
   * New credentials after the CloudHub retired the current certificate (revoked, node blocked): a
   * fresh enrollment with a new key and the enrollment credential (join token, PKI login), never a
   * renewal, which the revoked certificate cannot authorize.
   *
   * @param why what happened to the current certificate, for the log line and the error
   */
  public NodeCredentials reenroll(String why) throws EnrollmentException {
    return issuer.enroll(why);
  }

  /**
   * Why the certificate on disk cannot be used, or null. A certificate for another node is an
   * error.
   */
  private String unusableReason(HeldCertificate held) throws EnrollmentException {
    NodeName named;
    try {
      named = NodeName.fromCertificate(held.certificate());
    } catch (IllegalArgumentException e) {
      // E.g. a certificate from KubeEdge's own CloudCore (CN=kubeedge.io): useless here.
      return files.certificateFile()
          + " is not an edgetrust node certificate ("
          + e.getMessage()
          + ")";
    }
    if (!named.equals(node)) {
      throw EnrollmentException.refused(
          files.certificateFile()
              + " is for node '"
              + named
              + "', but this node is '"
              + node
              + "' (modules.edged.hostnameOverride or the host name); fix the name or remove the old files");
    }
    if (!clock.instant().isBefore(held.notAfter())) {
      return "the certificate " + files.certificateFile() + " expired at " + held.notAfter();
    }
    return null;
  }

  private static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
    if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
