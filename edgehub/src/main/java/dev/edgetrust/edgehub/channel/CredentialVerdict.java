package dev.edgetrust.edgehub.channel;

/** What the end of a session says about the certificate it was dialled with. */
public enum CredentialVerdict {
  /** Nothing: the network, a timeout, a restart, a replaced session. Reconnect with it. */
  NONE,
  /**
   * The CloudHub refused it at the TLS handshake ({@code certificate_unknown} or another
   * certificate alert). The JDK says the same for revoked, blocked, expired, from another CA, or
   * "no current revocation list": worth looking into, not proof of a revocation.
   */
  REFUSED,
  /** The CloudHub closed the session saying it is revoked or the node blocked: it is done for. */
  REVOKED
}
