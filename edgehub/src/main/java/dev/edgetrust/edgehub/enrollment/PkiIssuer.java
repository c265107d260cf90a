package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeIssuance;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates from a PKI the node asks itself (HashiCorp Vault, say), as its {@link NodeIssuance}
 * describes it: a P-256 key made here, a CSR for {@code CN=system:node:<node>}, signed by the
 * provider with the client-auth usage and the configured lifetime. First enrollment and renewal are
 * the same request; the provider's credential (a token file, an AppRole secret, the current
 * certificate) is what authorizes it.
 *
 * <p>The answer is checked before anything is written — it must name this node, carry the key made
 * here, be signed by the first CA of the chain, be valid for client authentication and not already
 * expired — then the CA chain and the key and certificate are replaced atomically. The node only
 * ever asks for its own name.
 */
public final class PkiIssuer implements CertificateIssuer {
  private static final Logger log = LoggerFactory.getLogger(PkiIssuer.class);

  private final NodeName node;
  private final PkiProvider provider;
  private final Duration ttl;
  private final NodeIssuance.LifetimeStart lifetimeStart;
  private final Path caFile;
  private final KeyCertificateFiles files;
  private final boolean mayRecover;
  private final Duration refusalRetry;
  private final Clock clock;

  /**
   * @param issuance the provider (not closed here), the lifetime to ask for and how the PKI behaves
   * @param caFile where the CA chain from each answer is written (what the node trusts the CloudHub
   *     by)
   * @param files where key and certificate are written
   */
  public PkiIssuer(
      NodeName node, NodeIssuance issuance, Path caFile, KeyCertificateFiles files, Clock clock) {
    this.node = Objects.requireNonNull(node, "node");
    this.provider = issuance.provider();
    this.ttl = issuance.ttl();
    this.lifetimeStart = issuance.lifetimeStart();
    this.caFile = Objects.requireNonNull(caFile, "caFile");
    this.files = Objects.requireNonNull(files, "files");
    this.mayRecover = issuance.mayRecover();
    this.refusalRetry = issuance.refusalRetry();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public NodeCredentials enroll(String why) throws EnrollmentException {
    log.info("node {} asks {} for a certificate: {}", node, provider, why);
    return issue(null);
  }

  @Override
  public NodeCredentials renew(NodeCredentials current) throws EnrollmentException {
    return issue(current);
  }

  private NodeCredentials issue(NodeCredentials current) throws EnrollmentException {
    KeyPair keyPair = Keys.newP256();
    Csr csr = Csr.create(keyPair, node.subject());
    IssuedCertificate issued;
    try {
      issued =
          provider.sign(
              SigningRequest.forNode(node, csr, EnumSet.of(CertificateUsage.CLIENT_AUTH), ttl));
    } catch (PkiException e) {
      throw e.isRetryable()
          ? EnrollmentException.unavailable(e.getMessage(), e)
          : EnrollmentException.refused(e.getMessage());
    }
    check(issued, keyPair);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(issued.certificate());
    // Present intermediates with the leaf; a self-signed root is the peer's to have.
    issued.caChain().stream().filter(ca -> !selfSigned(ca)).forEach(chain::add);
    HeldCertificate held = new HeldCertificate(keyPair.getPrivate(), chain);
    X509Certificate ca = issued.caChain().get(0);
    try {
      AtomicFile.writePublic(
          caFile, Pem.certificates(issued.caChain()).getBytes(StandardCharsets.US_ASCII));
      files.write(held);
    } catch (IOException e) {
      // Dropped with its key: see EnrollmentException.cannotStore. The next attempt asks again.
      throw EnrollmentException.cannotStore(
          "the new certificate to "
              + caFile
              + ", "
              + files.keyFile()
              + " and "
              + files.certificateFile()
              + (current == null ? "" : " (the current pair is untouched)"),
          e);
    }
    if (current == null) {
      log.info(
          "node {} got certificate serial {} from {}, valid until {}",
          node,
          held.serialHex(),
          provider.name(),
          held.notAfter());
    } else {
      log.info(
          "node {} renewed its certificate with {}: serial {} -> {}, valid until {}",
          node,
          provider.name(),
          current.held().serialHex(),
          held.serialHex(),
          held.notAfter());
    }
    return new NodeCredentials(held, ca);
  }

  /** The answer must be this node's, for the key made here, from the CA it names, usable now. */
  private void check(IssuedCertificate issued, KeyPair keyPair) throws EnrollmentException {
    X509Certificate certificate = issued.certificate();
    String from = "the certificate from the " + provider.name() + " PKI";
    NodeName named;
    try {
      named = NodeName.fromCertificate(certificate);
    } catch (IllegalArgumentException e) {
      throw EnrollmentException.refused(from + " is not a node certificate: " + e.getMessage());
    }
    if (!named.equals(node)) {
      throw EnrollmentException.refused(
          from + " names node '" + named + "', not this node '" + node + "'");
    }
    if (!Arrays.equals(certificate.getPublicKey().getEncoded(), keyPair.getPublic().getEncoded())) {
      throw EnrollmentException.refused(from + " is for another key than the one this node made");
    }
    X509Certificate ca = issued.caChain().get(0);
    try {
      certificate.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw EnrollmentException.refused(
          from
              + " is not signed by the CA it came with ("
              + ca.getSubjectX500Principal().getName()
              + ")");
    }
    Instant now = clock.instant();
    if (!now.isBefore(certificate.getNotAfter().toInstant())) {
      throw EnrollmentException.refused(
          from + " has already expired (" + certificate.getNotAfter().toInstant() + ")");
    }
    try {
      List<String> usages = certificate.getExtendedKeyUsage();
      if (usages != null && !usages.contains(CertificateUsage.CLIENT_AUTH.oid())) {
        throw EnrollmentException.refused(from + " is not valid for client authentication");
      }
    } catch (CertificateParsingException e) {
      throw EnrollmentException.refused(from + " has an unreadable extended key usage");
    }
  }

  private static boolean selfSigned(X509Certificate c) {
    if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
      return false;
    }
    try {
      c.verify(c.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public boolean mayRecover() {
    return mayRecover;
  }

  @Override
  public Optional<Duration> refusalRetry() {
    return Optional.of(refusalRetry);
  }

  /**
   * As the PKI needs it: {@code notBefore}, or the later of {@code notBefore} and {@code notAfter -
   * ttl} for a PKI that backdates {@code notBefore} (Vault, by 30 s, which for a 20 s certificate
   * would put the whole renewal window in the past).
   */
  @Override
  public Instant lifetimeStart(HeldCertificate held) {
    if (lifetimeStart == NodeIssuance.LifetimeStart.NOT_BEFORE) {
      return held.notBefore();
    }
    Instant asked = held.notAfter().minus(ttl);
    return asked.isAfter(held.notBefore()) ? asked : held.notBefore();
  }

  @Override
  public String description() {
    return provider.toString();
  }

  @Override
  public String toString() {
    return "PkiIssuer[" + node + ", " + provider + "]";
  }
}
