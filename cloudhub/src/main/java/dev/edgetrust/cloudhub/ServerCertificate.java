package dev.edgetrust.cloudhub;

import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CloudHub's own server certificate when the built-in CA signs it: reused from {@code
 * tlsCertFile}/{@code tlsPrivateKeyFile} while it is valid, signed by the current CA and names
 * every advertised address; otherwise a new key is made here and a new certificate signed.
 */
public final class ServerCertificate {
  private static final Logger log = LoggerFactory.getLogger(ServerCertificate.class);
  static final Duration LIFETIME = Duration.ofDays(365);

  /** Renew on start when less than this is left, so a restart never serves a dying certificate. */
  static final Duration MIN_REMAINING = Duration.ofDays(30);

  private ServerCertificate() {}

  /**
   * Returns a usable server certificate, issuing one through {@code provider} when needed.
   *
   * @throws CredentialFileException if the files exist but are unreadable or mismatched
   */
  public static HeldCertificate ensure(CloudHubSettings settings, PkiProvider provider, Clock clock)
      throws CredentialFileException, IOException, PkiException {
    KeyCertificateFiles files =
        new KeyCertificateFiles(settings.serverKeyFile(), settings.serverCertificateFile());
    Optional<HeldCertificate> existing = files.read();
    List<X509Certificate> anchors = provider.trustAnchors();
    if (existing.isPresent()) {
      Optional<String> why = unusable(existing.get(), settings, anchors, clock.instant());
      if (why.isEmpty()) {
        return existing.get();
      }
      log.info(
          "issuing a new CloudHub server certificate: the one in {} {}",
          settings.serverCertificateFile(),
          why.get());
    }
    KeyPair keys = Keys.newP256();
    Csr csr = Csr.create(keys, new X500Principal("CN=KubeEdge"));
    IssuedCertificate issued =
        provider.sign(
            SigningRequest.forServer(
                "KubeEdge", csr, settings.dnsNames(), settings.advertiseAddresses(), LIFETIME));
    HeldCertificate held =
        new HeldCertificate(
            keys.getPrivate(),
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(issued.certificate()), issued.caChain().stream())
                .toList());
    files.write(held);
    return held;
  }

  private static Optional<String> unusable(
      HeldCertificate held, CloudHubSettings settings, List<X509Certificate> anchors, Instant now) {
    X509Certificate cert = held.certificate();
    boolean signedByAnchor = false;
    for (X509Certificate anchor : anchors) {
      try {
        cert.verify(anchor.getPublicKey());
        signedByAnchor = true;
        break;
      } catch (java.security.GeneralSecurityException e) {
        // try the next anchor
      }
    }
    if (!signedByAnchor) {
      return Optional.of("is not signed by the current CA");
    }
    if (held.notAfter().isBefore(now.plus(MIN_REMAINING))) {
      return Optional.of("expires at " + held.notAfter());
    }
    Set<String> wanted = new HashSet<>(settings.dnsNames());
    settings.advertiseAddresses().forEach(ip -> wanted.add(ip.getHostAddress()));
    Set<String> present = new HashSet<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          Object value = san.get(1);
          if (value instanceof String s) {
            present.add(san.get(0).equals(7) ? normalizeIp(s) : s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Optional.of("has unreadable subject alternative names");
    }
    Set<String> missing = new HashSet<>(wanted);
    missing.removeAll(present);
    return missing.isEmpty() ? Optional.empty() : Optional.of("does not name " + missing);
  }

  private static String normalizeIp(String s) {
    try {
      return InetAddress.getByName(s).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return s;
    }
  }
}
