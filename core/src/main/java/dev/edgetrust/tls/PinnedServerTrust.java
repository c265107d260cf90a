package dev.edgetrust.tls;

import dev.edgetrust.x509.Certificates;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, for one host: the peer's leaf must be the pinned
 * certificate byte for byte, it must name the host dialed (an IP SAN for an address, a DNS SAN for
 * a name; no wildcards), and it must be within its validity. No CA is trusted at all, so no
 * certificate a CA ever issued to anyone else, a node above all, can pass.
 *
 * <p>The check runs inside the TLS handshake, so a client built on it sends nothing (no request
 * line, no header, no token) to a server that fails it. It never trusts clients.
 */
public final class PinnedServerTrust extends X509ExtendedTrustManager {
  private final X509Certificate pinned;
  private final String host;

  private PinnedServerTrust(X509Certificate pinned, String host) {
    this.pinned = Objects.requireNonNull(pinned, "pinned");
    this.host = Objects.requireNonNull(host, "host");
  }

  /**
   * @param pinned the one certificate the server may present
   * @param host the host name or IP literal the client dials ({@code [::1]} or {@code ::1})
   */
  public static PinnedServerTrust of(X509Certificate pinned, String host) {
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return new PinnedServerTrust(pinned, bare);
  }

  public X509Certificate pinned() {
    return pinned;
  }

  public String host() {
    return host;
  }

  /**
   * @throws CertificateException naming what differs: another certificate (with its subject and
   *     fingerprint, so an operator can tell what answered), a pin that does not name the host, or
   *     a pin out of its validity
   */
  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server presented no certificate");
    }
    X509Certificate leaf = chain[0];
    if (!Arrays.equals(Certificates.der(leaf), Certificates.der(pinned))) {
      throw new CertificateException(
          "the server presented "
              + leaf.getSubjectX500Principal().getName()
              + " (SHA-256 "
              + Certificates.sha256Hex(leaf)
              + "), not the pinned certificate (SHA-256 "
              + Certificates.sha256Hex(pinned)
              + ")");
    }
    if (!names(pinned, host)) {
      throw new CertificateException("the pinned certificate does not name " + host);
    }
    try {
      pinned.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new CertificateException(
          "the pinned certificate is not valid now (valid "
              + pinned.getNotBefore().toInstant()
              + " to "
              + pinned.getNotAfter().toInstant()
              + ")");
    }
  }

  /** Whether {@code certificate} carries {@code host} as an IP or DNS subject alternative name. */
  public static boolean names(X509Certificate certificate, String host) {
    boolean ip =
        io.netty.util.NetUtil.isValidIpV4Address(host)
            || io.netty.util.NetUtil.isValidIpV6Address(host);
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (sans == null) {
      return false;
    }
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      if (ip && type == 7 && sameAddress(value, host)) {
        return true;
      }
      if (!ip
          && type == 2
          && value.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameAddress(String a, String b) {
    try {
      // Literals only (checked above), so no name is looked up.
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a pinned server trust does not check clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a pinned server trust does not check clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a pinned server trust does not check clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
