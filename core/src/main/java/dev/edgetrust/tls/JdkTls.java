package dev.edgetrust.tls;

import dev.edgetrust.x509.HeldCertificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Shortcuts for the two JDK client contexts most callers want, both built by {@link
 * HandshakeCertificates} (which holds the defaults): trust exactly some CAs, or exactly one pinned
 * server certificate; optionally present a client certificate.
 */
public final class JdkTls {
  private JdkTls() {}

  /** A context that trusts exactly the CAs in {@code trust}. */
  public static SSLContext context(Optional<HeldCertificate> client, List<X509Certificate> trust) {
    return HandshakeCertificates.builder()
        .heldCertificate(client)
        .addTrustedCertificates(trust)
        .build()
        .sslContext();
  }

  /** A context that trusts exactly the server certificate {@code trust} pins, and no CA. */
  public static SSLContext context(Optional<HeldCertificate> client, PinnedServerTrust trust) {
    return HandshakeCertificates.builder()
        .heldCertificate(client)
        .trustManager(trust)
        .build()
        .sslContext();
  }
}
