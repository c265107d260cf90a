package dev.edgetrust.cloudhub.gateway;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.tls.TlsProtocols;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS client context the gateway dials cloudcore with: the gateway certificate and key,
 * cloudcore's CA as the only trust anchor, TLS 1.2+, and cloudcore's host name or IP checked
 * against its certificate (as edgecore checks it).
 *
 * <p>The three files are looked at before each dial (a stat, not a read) and a changed set is
 * loaded, so a renewed gateway certificate is used from the next session on with no restart. A
 * changed set that does not load is logged once and the previous context stays.
 */
final class UpstreamTls {
  private static final Logger log = LoggerFactory.getLogger(UpstreamTls.class);

  private final Path caFile;
  private final Path certFile;
  private final Path keyFile;
  private SslContext context;
  private List<FileTime> loadedVersion;
  private List<FileTime> refusedVersion = List.of();

  private UpstreamTls(Path caFile, Path certFile, Path keyFile) {
    this.caFile = caFile;
    this.certFile = certFile;
    this.keyFile = keyFile;
  }

  /**
   * Loads the files once, at start.
   *
   * @throws CredentialFileException naming the file that is missing, unreadable, readable by others
   *     (the key), or does not parse, or whose key does not match the certificate
   */
  static UpstreamTls load(Path caFile, Path certFile, Path keyFile) throws CredentialFileException {
    UpstreamTls tls = new UpstreamTls(caFile, certFile, keyFile);
    tls.loadedVersion = tls.version();
    tls.context = tls.build();
    return tls;
  }

  /** The context for the next dial: reloaded first if the files changed since. */
  synchronized SslContext context() {
    List<FileTime> now = version();
    if (!now.equals(loadedVersion) && !now.equals(refusedVersion)) {
      try {
        context = build();
        loadedVersion = now;
        log.info(
            "upstream TLS files changed: dialing with certificate serial {} from now on", serial());
      } catch (CredentialFileException e) {
        refusedVersion = now;
        log.warn(
            "upstream TLS files changed but cannot be used ({}); dialing with the previous ones",
            e.getMessage());
      }
    }
    return context;
  }

  private String serial() {
    try {
      return dev.edgetrust.x509.SerialNumbers.toColonHex(
          KeyCertificateFiles.readCertificates(certFile).get(0).getSerialNumber());
    } catch (CredentialFileException e) {
      return "?";
    }
  }

  private List<FileTime> version() {
    return List.of(modified(caFile), modified(certFile), modified(keyFile));
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private SslContext build() throws CredentialFileException {
    List<X509Certificate> ca = KeyCertificateFiles.readCertificates(caFile);
    List<X509Certificate> chain = KeyCertificateFiles.readCertificates(certFile);
    // readKey refuses a key that group or others can read (SecretFiles), naming the chmod.
    PrivateKey key = KeyCertificateFiles.readKey(keyFile);
    if (!dev.edgetrust.x509.Certificates.matches(key, chain.get(0))) {
      throw new CredentialFileException(keyFile, "does not match the certificate in " + certFile);
    }
    try {
      return SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .keyManager(key, chain)
          .trustManager(ca)
          .protocols(TlsProtocols.supported())
          // Explicit, not left to a library default: cloudcore must be who 'upstream.server' names.
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException e) {
      throw new CredentialFileException(certFile, "cannot be used for TLS: " + e.getMessage());
    }
  }
}
