package dev.edgetrust.cloudhub.identity;

/** Where a node's identity comes from. */
public enum IdentitySource {
  /** The certificate's subject names the node ({@code CN=system:node:<name>}): bound by the CA. */
  CERTIFICATE_NAME,
  /**
   * A certificate cloudcore issued ({@code CN=kubeedge.io}, no node in it), admitted in migration
   * mode: the node is the one its serial was bound to on first use.
   */
  LEGACY_BINDING
}
