package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.cloudhub.refusal.RefusalReason;
import java.security.cert.CertificateException;

/**
 * A client certificate refused in the handshake after its chain validated (revoked, blocked, no
 * current revocation list). The JDK keeps it as the cause of the handshake failure, so the
 * handshake logger can count the refusal under its reason without parsing messages.
 */
public final class RefusedCertificateException extends CertificateException
    implements RefusalReason.Carrier {
  private final transient RefusalReason reason;

  public RefusedCertificateException(RefusalReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  @Override
  public RefusalReason reason() {
    return reason;
  }
}
