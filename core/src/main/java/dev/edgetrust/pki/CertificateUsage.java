package dev.edgetrust.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/** The extended key usages edgetrust issues. Anything else is refused. */
public enum CertificateUsage {
  CLIENT_AUTH("1.3.6.1.5.5.7.3.2", "client auth"),
  SERVER_AUTH("1.3.6.1.5.5.7.3.1", "server auth");

  private final String oid;
  private final String kubernetesName;

  CertificateUsage(String oid, String kubernetesName) {
    this.oid = oid;
    this.kubernetesName = kubernetesName;
  }

  public String oid() {
    return oid;
  }

  /**
   * Parses a usage as KubeEdge's {@code ExtKeyUsages} header spells it: Kubernetes' names ("client
   * auth", "server auth") or Go's x509 constants as integers (1 = server, 2 = client).
   *
   * @throws IllegalArgumentException for any other usage
   */
  public static CertificateUsage parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "client auth", "clientauth", "2":
        return CLIENT_AUTH;
      case "server auth", "serverauth", "1":
        return SERVER_AUTH;
      default:
        throw new IllegalArgumentException(
            "unsupported key usage '"
                + NodeName.printable(text)
                + "' (allowed: client auth, server auth)");
    }
  }

  /** RFC 5280's anyExtendedKeyUsage: a certificate carrying it may be used for anything. */
  private static final String ANY_USAGE = "2.5.29.37.0";

  /**
   * Whether a TLS client would accept {@code certificate} as a server's, as far as its usages go:
   * no extended key usage at all (no restriction), server auth, or any usage.
   */
  public static boolean permitsServerAuth(X509Certificate certificate) {
    List<String> usages;
    try {
      usages = certificate.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      // Unreadable: a TLS stack would refuse it, but call it permissive so callers refuse it too.
      return true;
    }
    return usages == null || usages.contains(SERVER_AUTH.oid) || usages.contains(ANY_USAGE);
  }

  @Override
  public String toString() {
    return kubernetesName;
  }
}
