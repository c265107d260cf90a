package dev.edgetrust.vault.testkit;

/** A mounted secrets engine or auth method: answers the paths under its mount. */
interface Backend {
  /**
   * Whether {@code sub} (the path under the mount) is answered without a token (CA, CRL, login).
   */
  default boolean unauthenticated(Request request, String sub) {
    return false;
  }

  /**
   * For a write: whether the target exists, which makes the ACL ask for {@code update} rather than
   * {@code create}. Paths without an existence check are always updates, as in Vault.
   */
  default boolean exists(String sub) {
    return true;
  }

  /**
   * Answers the request.
   *
   * @param caller the authenticated caller; null on unauthenticated paths
   */
  Reply handle(Request request, String sub, Caller caller);
}
