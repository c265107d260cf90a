package dev.edgetrust.revocation;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * How the CloudHub tells a node on a live session that its certificate will never be accepted
 * again, so that the node stops retrying with it and enrolls anew: WebSocket close code {@value
 * #CLOSE_CODE} (policy violation) with a reason that starts with {@code "revoked: "} or {@code
 * "blocked: "}. Both sides read this one definition; the CloudHub and the EdgeHub share no code
 * otherwise.
 *
 * <p>Everything else is not a revocation: a CloudHub that cannot tell (no current revocation list,
 * failing closed) closes with {@value #UNAVAILABLE_CLOSE_CODE} (try again later), and other 1008
 * reasons (a keepalive timeout) keep their meaning. At the TLS handshake the JDK answers every
 * refused client certificate with the same {@code certificate_unknown} alert, revoked or not; a
 * node reads that as a refusal to look into, not as a revocation (see the README).
 */
public enum RevocationNotice {
  /** A serial of the node's was revoked (by a block, a reset, or directly in the PKI). */
  REVOKED("revoked: "),
  /** The node is blocked by name: every certificate of it is refused. */
  BLOCKED("blocked: ");

  public static final int CLOSE_CODE = 1008;
  public static final int UNAVAILABLE_CLOSE_CODE = 1013;

  /**
   * How a session closed because its client certificate expired begins its reason (sent with
   * {@value #CLOSE_CODE}). Not a revocation: the node's key is still good, so it renews (or enrolls
   * again, if it cannot renew an expired certificate) and reconnects with the new certificate.
   */
  public static final String EXPIRED_PREFIX = "certificate expired: ";

  /** RFC 6455: a close reason is at most 123 bytes of UTF-8. */
  static final int MAX_REASON_BYTES = 123;

  private final String prefix;

  RevocationNotice(String prefix) {
    this.prefix = prefix;
  }

  /** The close reason to send: the prefix, then {@code detail}, cut to what a close frame holds. */
  public String reason(String detail) {
    return cut(prefix + detail);
  }

  /** The close reason for a session whose certificate expired: {@link #EXPIRED_PREFIX}, detail. */
  public static String expiredReason(String detail) {
    return cut(EXPIRED_PREFIX + detail);
  }

  /** Whether a close frame says the session's certificate expired. */
  public static boolean isExpiry(int closeCode, String reason) {
    return closeCode == CLOSE_CODE && reason != null && reason.startsWith(EXPIRED_PREFIX);
  }

  private static String cut(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return text;
    }
    // Details are ASCII (node names, colon hex); cutting by chars is then cutting by bytes.
    return text.substring(0, Math.min(text.length(), MAX_REASON_BYTES));
  }

  /** What a close frame says, if it is a revocation notice. */
  public static Optional<RevocationNotice> of(int closeCode, String reason) {
    if (closeCode != CLOSE_CODE || reason == null) {
      return Optional.empty();
    }
    for (RevocationNotice notice : values()) {
      if (reason.startsWith(notice.prefix)) {
        return Optional.of(notice);
      }
    }
    return Optional.empty();
  }
}
