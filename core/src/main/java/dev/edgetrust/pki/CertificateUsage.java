package dev.edgetrust.pki;

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
            "unsupported key usage '" + NodeName.printable(text) + "' (allowed: client auth, server auth)");
    }
  }

  @Override
  public String toString() {
    return kubernetesName;
  }
}
