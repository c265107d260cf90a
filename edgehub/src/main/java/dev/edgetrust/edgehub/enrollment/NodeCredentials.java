package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.x509.HeldCertificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * What a node authenticates with: its key and certificate, and the CA it trusts the CloudHub by.
 * {@link #toString()} never shows the key.
 */
public record NodeCredentials(HeldCertificate held, X509Certificate ca) {
  public NodeCredentials {
    Objects.requireNonNull(held, "held");
    Objects.requireNonNull(ca, "ca");
  }

  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(held.notAfter());
  }

  @Override
  public String toString() {
    return "NodeCredentials[" + held + ", ca " + ca.getSubjectX500Principal().getName() + "]";
  }
}
