package dev.edgetrust.cloudhub.refusal;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.Optional;

/**
 * Why the CloudHub turned a node (or something posing as one) away, in the few kinds an operator
 * acts on differently: a certificate from another CA is a misconfiguration or an attack, a revoked
 * one is a lost device, a node limit is capacity. {@link #label()} is the Prometheus label value.
 */
public enum RefusalReason {
  /** The client certificate does not chain to the CloudHub's trust anchors. */
  UNTRUSTED_CA("untrusted_ca"),
  /** The client certificate is expired or not valid yet. */
  CERTIFICATE_EXPIRED("certificate_expired"),
  /** The client certificate is not for TLS client authentication. */
  WRONG_KEY_USAGE("wrong_key_usage"),
  REVOKED("revoked"),
  BLOCKED("blocked"),
  /**
   * No current revocation list, and {@code revocation.failClosed}: every certificate is refused.
   */
  REVOCATION_UNAVAILABLE("revocation_unavailable"),
  NO_CLIENT_CERTIFICATE("no_client_certificate"),
  /** The certificate does not name a node ({@code CN=system:node:<name>}). */
  NOT_A_NODE("not_a_node_certificate"),
  /** {@code node_id}, the path or the requested name disagree with the certificate's node. */
  NODE_MISMATCH("node_mismatch"),
  /** A certificate cloudcore issued, presented after the migration window ended. */
  MIGRATION_ENDED("migration_ended"),
  /** TLS below 1.2, no common cipher suite, or not TLS at all. */
  TLS_PROTOCOL("tls_protocol"),
  /** The TLS handshake did not finish in time (a slow or stalled client). */
  HANDSHAKE_TIMEOUT("handshake_timeout"),
  /**
   * A bootstrap request without a valid join token (and without a client certificate), or with a
   * shared token where only node-bound ones are accepted.
   */
  BAD_TOKEN("bad_token"),
  /** A node-bound join token presented again after it enrolled its node. */
  TOKEN_REUSED("token_reused"),
  /** A token enrollment for a name that holds a valid certificate or a live session (409). */
  NODE_IN_USE("node_in_use"),
  /** A malformed request: bad HTTP, missing header, wrong path, unreadable CSR. */
  BAD_REQUEST("bad_request"),
  /** Too many requests from one address (the bootstrap endpoint's limiter). */
  RATE_LIMITED("rate_limited"),
  /** {@code nodeLimit} sessions are open already. */
  NODE_LIMIT("node_limit"),
  OTHER("other");

  private final String label;

  RefusalReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * Carried by a refusal the CloudHub makes itself, so that it can be told apart from the JDK's.
   */
  public interface Carrier {
    RefusalReason reason();
  }

  /**
   * Why a TLS handshake failed, from the exception Netty reports; empty when it was not a refusal
   * but the client going away (a TCP probe, a client that gave up): those are not counted as
   * refusals. Runs only on failed handshakes, never on the successful path.
   */
  public static Optional<RefusalReason> ofHandshakeFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Carrier c) {
        return Optional.of(c.reason());
      }
      if (t instanceof CertificateExpiredException
          || t instanceof CertificateNotYetValidException) {
        return Optional.of(CERTIFICATE_EXPIRED);
      }
      if (t instanceof CertPathValidatorException v
          && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
              || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
        return Optional.of(CERTIFICATE_EXPIRED);
      }
      if (t instanceof java.nio.channels.ClosedChannelException
          || t instanceof io.netty.handler.ssl.SslClosedEngineException) {
        return Optional.empty();
      }
      if (t instanceof io.netty.handler.ssl.SslHandshakeTimeoutException) {
        return Optional.of(HANDSHAKE_TIMEOUT);
      }
      if (t instanceof io.netty.handler.ssl.NotSslRecordException) {
        return Optional.of(TLS_PROTOCOL);
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // Not expired (checked above): the path does not lead to a trust anchor.
      if (t instanceof CertPathValidatorException
          || t instanceof java.security.cert.CertPathBuilderException) {
        return Optional.of(UNTRUSTED_CA);
      }
    }
    // The JDK says the rest only in words; these are the phrases of its TLS stack (17 to 25).
    String all = messages(failure);
    if (all.contains("connection closed while")
        || all.contains("connection reset")
        || all.contains("broken pipe")) {
      return Optional.empty();
    }
    if (all.contains("empty client certificate chain") || all.contains("empty certificate chain")) {
      return Optional.of(NO_CLIENT_CERTIFICATE);
    }
    if (all.contains("key usage") || all.contains("keyusage")) {
      return Optional.of(WRONG_KEY_USAGE);
    }
    if (all.contains("pkix path")
        || all.contains("certification path")
        || all.contains("signature check failed")) {
      return Optional.of(UNTRUSTED_CA);
    }
    if (all.contains("protocol") || all.contains("cipher")) {
      return Optional.of(TLS_PROTOCOL);
    }
    return Optional.of(OTHER);
  }

  private static String messages(Throwable failure) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      out.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
