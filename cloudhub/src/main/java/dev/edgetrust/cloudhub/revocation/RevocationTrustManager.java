package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.tls.HandshakeCertificates;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CloudHub's client-certificate check: the JDK's PKIX validation (chain to the trust anchors,
 * validity, key usage) first, then a {@link HandshakeCheck} — revoked serial, blocked node — so
 * that such a certificate is refused in the TLS handshake itself, before any HTTP.
 *
 * <p>It holds no state of its own: the check reads the current revocation state on every call, so a
 * TLS context built with it never needs rebuilding when that state changes.
 */
public final class RevocationTrustManager extends X509ExtendedTrustManager {
  /** What is checked after the chain validated. */
  public interface HandshakeCheck {
    /**
     * @param peer the remote host and port, for logs and the audit trail ({@code ?} if unknown)
     * @throws CertificateException with the reason, to refuse the handshake
     */
    void check(X509Certificate leaf, String peer) throws CertificateException;
  }

  private final X509ExtendedTrustManager chain;
  private final HandshakeCheck check;

  private RevocationTrustManager(X509ExtendedTrustManager chain, HandshakeCheck check) {
    this.chain = chain;
    this.check = check;
  }

  /** Validates chains to {@code anchors}, then applies {@code check}. */
  public static RevocationTrustManager create(List<X509Certificate> anchors, HandshakeCheck check) {
    return new RevocationTrustManager(chainValidating(anchors), check);
  }

  /** The JDK's PKIX trust manager for exactly {@code anchors}. */
  public static X509ExtendedTrustManager chainValidating(List<X509Certificate> anchors) {
    return HandshakeCertificates.builder().addTrustedCertificates(anchors).build().trustManager();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    this.chain.checkClientTrusted(chain, authType, engine);
    check.check(
        chain[0],
        engine == null || engine.getPeerHost() == null
            ? "?"
            : engine.getPeerHost() + ":" + engine.getPeerPort());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    this.chain.checkClientTrusted(chain, authType, socket);
    check.check(chain[0], socket == null ? "?" : String.valueOf(socket.getRemoteSocketAddress()));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    this.chain.checkClientTrusted(chain, authType);
    check.check(chain[0], "?");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException(
        "the CloudHub's client-certificate trust manager does not check servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException(
        "the CloudHub's client-certificate trust manager does not check servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException(
        "the CloudHub's client-certificate trust manager does not check servers");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return chain.getAcceptedIssuers();
  }
}
